# The results sender of abacosamples/node_func on the process runtime (Node has no Unix datagram
# sockets): reads datagrams from stdin, each a 4-byte big-endian length and its bytes, and sends each
# to the Unix datagram socket named by the last argument.
import socket
import struct
import sys

source = sys.stdin.buffer
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
while True:
    head = source.read(4)
    if len(head) < 4:
        break
    (length,) = struct.unpack(">I", head)
    data = source.read(length)
    if len(data) < length:
        sys.exit("node_func_send: the input ended inside a datagram")
    sock.sendto(data, sys.argv[-1])
