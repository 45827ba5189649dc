"""PoP service listener: accept TCP on every ADDRESS:PORT given and answer one short line.

Run inside the PoP namespace: `python3 -I -S listener.py NAME ADDR:PORT...` (one process per PoP).
"""

import asyncio
import sys


async def main(name: str, endpoints: list[str]) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = writer.get_extra_info("sockname")[:2]
        writer.write(f"countynet-lab {name} {host}:{port} ok\n".encode())
        try:
            await writer.drain()
        finally:
            writer.close()

    servers = []
    for ep in endpoints:
        host, port = ep.rsplit(":", 1)
        servers.append(await asyncio.start_server(answer, host, int(port), reuse_address=True))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
