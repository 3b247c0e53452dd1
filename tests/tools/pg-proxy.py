#!/usr/bin/env python3
"""A TCP proxy in front of PostgreSQL that can play a server that hangs.

    pg-proxy.py LISTEN-PORT TARGET-HOST TARGET-PORT

Prints "listening" once it accepts connections.  SIGUSR1: drop every
connection and, from then on, accept new ones but never answer them (a
server behind a network that lost its way).  SIGUSR2: drop those silent
connections and forward again.
"""
import asyncio
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    listen, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    state = {"hang": False}
    open_writers = set()

    def drop_all():
        for w in list(open_writers):
            w.close()
        open_writers.clear()

    def hang():
        state["hang"] = True
        drop_all()

    def forward():
        state["hang"] = False
        drop_all()

    async def client(reader, writer):
        open_writers.add(writer)
        if state["hang"]:
            # Read and ignore whatever comes, answer nothing.
            try:
                while await reader.read(65536):
                    pass
            except ConnectionError:
                pass
            open_writers.discard(writer)
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            open_writers.discard(writer)
            writer.close()
            return
        open_writers.add(up_writer)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        open_writers.discard(writer)
        open_writers.discard(up_writer)

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, hang)
    loop.add_signal_handler(signal.SIGUSR2, forward)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    server = await asyncio.start_server(client, "127.0.0.1", listen)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except RuntimeError:
        pass  # SIGTERM stopped the loop
