import sdk from './index.js'

export const {
  Gateway, MerchantClient, RedisTokenStore, DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, VERSION, version,
  MyPOSError, ConfigError, InvalidRequestError, AuthError, APIError, BadRequestError,
  AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError, RateLimitError,
  ServerError, APIConnectionError, APITimeoutError, TimeoutError, APIDecodeError,
  PaymentUnconfirmedError, MobilePayPos, PaymentNotCompletedError, InternalError,
  Psd2Client, DEFAULT_PSD2_URL,
} = sdk
export default sdk
