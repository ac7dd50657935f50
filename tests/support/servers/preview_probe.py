"""The preview bench's server and client, the same code inside the sandbox and outside,
so a preview's cost is measured against the same request made directly in the sandbox.

  serve PORT                                    HTTP/1.1: GET /small (3 bytes), GET /bytes/N
  relay PORT TARGET                             the floor for any relay: splice(2) both ways to TARGET
  latency ADDRESS PORT HOST COUNT keepalive|fresh    p50/p90 of GET /small, in ms
  download ADDRESS PORT HOST BYTES              MiB/s of GET /bytes/BYTES
  websocket ADDRESS PORT HOST COUNT             p50/p90 round trip of a 16-byte message, in ms
Each client prints one JSON object.
"""
import base64
import fcntl
import http.server
import json
import os
import socket
import sys
import threading
import time


def serve(port):
    block = memoryview(b"\0" * (1 << 20))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the head and the body go out at once

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/bytes/"):
                left = int(self.path[len("/bytes/"):])
                self.send_response(200)
                self.send_header("Content-Length", str(left))
                self.end_headers()
                while left > 0:
                    piece = block[: min(left, len(block))]
                    self.wfile.write(piece)
                    left -= len(piece)
            else:
                self.send_response(200)
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"ok\n")

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def relay(port, target):
    """What any relay costs here: the kernel moves the pages through a pipe, one thread per
    direction, no parsing. A preview does the same plus its token check, so this is its floor."""
    def pump(source, sink):
        read, write = os.pipe()
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            while moved := os.splice(source.fileno(), write, 1 << 20):
                while moved:
                    moved -= os.splice(read, sink.fileno(), moved)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            os.close(read)
            os.close(write)

    listener = socket.create_server(("127.0.0.1", port))
    while True:
        client, _ = listener.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        service = connect("127.0.0.1", target)
        threading.Thread(target=pump, args=(client, service), daemon=True).start()
        threading.Thread(target=pump, args=(service, client), daemon=True).start()


def connect(address, port):
    sock = socket.create_connection((address, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def get(stream, sock, host, path):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    status = stream.readline()
    if b" 200 " not in status:
        raise SystemExit(f"unexpected answer: {status!r}")
    length = 0
    while True:
        line = stream.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return stream.read(length)


def percentiles(samples):
    samples.sort()
    return {"p50_ms": samples[len(samples) // 2] * 1000, "p90_ms": samples[len(samples) * 9 // 10] * 1000}


def latency(address, port, host, count, mode):
    samples = []
    sock = connect(address, port)
    stream = sock.makefile("rb")
    get(stream, sock, host, "/small")  # warm
    for _ in range(count):
        begin = time.perf_counter()
        if mode == "fresh":
            sock.close()
            sock = connect(address, port)
            stream = sock.makefile("rb")
        get(stream, sock, host, "/small")
        samples.append(time.perf_counter() - begin)
    return percentiles(samples)


def download(address, port, host, size):
    sock = connect(address, port)
    begin = time.perf_counter()
    sock.sendall(f"GET /bytes/{size} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    head = b""
    while b"\r\n\r\n" not in head:
        got = sock.recv_into(buffer)
        head += bytes(view[:got])
    left = size - (len(head) - head.index(b"\r\n\r\n") - 4)
    while left > 0:
        got = sock.recv_into(buffer)
        if got == 0:
            raise SystemExit("cut short")
        left -= got
    seconds = time.perf_counter() - begin
    return {"mib_s": size / 1048576 / seconds, "seconds": seconds}


def websocket(address, port, host, count):
    sock = connect(address, port)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /echo HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise SystemExit(f"no upgrade: {head[:100]!r}")
    payload = b"0123456789abcdef"
    mask = os.urandom(4)
    message = bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    samples = []
    for _ in range(count + 1):
        begin = time.perf_counter()
        sock.sendall(message)
        echoed = b""
        while len(echoed) < 2 + len(payload):
            echoed += sock.recv(4096)
        samples.append(time.perf_counter() - begin)
    return percentiles(samples[1:])


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "serve":
        serve(int(arguments[0]))
    elif command == "relay":
        relay(int(arguments[0]), int(arguments[1]))
    elif command == "latency":
        print(json.dumps(latency(arguments[0], int(arguments[1]), arguments[2], int(arguments[3]), arguments[4])))
    elif command == "download":
        print(json.dumps(download(arguments[0], int(arguments[1]), arguments[2], int(arguments[3]))))
    elif command == "websocket":
        print(json.dumps(websocket(arguments[0], int(arguments[1]), arguments[2], int(arguments[3]))))
