"""Lists a merchant's accounts. Runs against a local sandbox unless the MYPOS_* variables
name a real gateway (see the README)."""

import asyncio
import os

import mypos
from mypos.testing import Sandbox


async def list_accounts(client: mypos.MerchantClient) -> None:
    page = await client.banking.get_accounts(page=1, size=20)
    print(f"Python: {len(page['items'])} account(s)")
    for account in page["items"]:
        print(f"  {account['account_number']}  {account['name']}  {account['balance']} {account['currency']}")


async def main() -> None:
    if "MYPOS_CLIENT_ID" in os.environ:
        gateway = mypos.Gateway(
            gateway_url=os.environ.get("MYPOS_GATEWAY_URL", mypos.DEMO_GATEWAY_URL),
            integration={"client_id": os.environ["MYPOS_CLIENT_ID"], "client_secret": os.environ["MYPOS_CLIENT_SECRET"]},
            partner_id=os.environ["MYPOS_PARTNER_ID"],
            application_id=os.environ["MYPOS_APPLICATION_ID"],
        )
        client = gateway.create_client(
            client_id=os.environ["MYPOS_MERCHANT_CLIENT_ID"],
            client_secret=os.environ["MYPOS_MERCHANT_CLIENT_SECRET"],
        )
        await list_accounts(client)
        return
    async with Sandbox() as sandbox:
        print(f"Using a local sandbox at {sandbox.url}")
        await list_accounts(sandbox.client())


if __name__ == "__main__":
    asyncio.run(main())
