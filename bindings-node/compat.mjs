import compat from './compat.js'

export const { MyPOSGateway, DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, GatewayConfigError, GatewayAuthError } = compat
export default compat
