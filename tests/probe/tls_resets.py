"""DNS-over-TLS clients that reset their connections at the worst moments (RST with SO_LINGER 0):
right after the handshake, after sending a query without reading its answer, and halfway through
the handshake. A responder that writes to such a connection must get an error, not SIGPIPE.
Usage: tls_resets.py PORT COUNT; prints how many connections it reset."""
import socket
import ssl
import struct
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


def query(ident):
    name = b"".join(bytes([len(label)]) + label for label in (b"p%d" % ident, b"echo", b"probe", b"dnspath", b"test"))
    message = struct.pack(">HHHHHH", ident, 0, 1, 0, 0, 0) + name + b"\0" + struct.pack(">HH", 16, 1)
    return struct.pack(">H", len(message)) + message


def reset(raw):
    try:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass  # a handshake that failed closed it already
    raw.close()


done = 0
for i in range(count):
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        break  # nobody listens any more: the responder is gone
    try:
        if i % 3 == 2:
            raw.sendall(b"\x16\x03\x01\x00\xc8\x01")  # a ClientHello cut short
        else:
            secured = context.wrap_socket(raw, do_handshake_on_connect=True)
            if i % 3 == 1:
                secured.sendall(query(i))
            raw = secured
    except (OSError, ssl.SSLError):
        pass
    reset(raw)
    done += 1
print(done)
