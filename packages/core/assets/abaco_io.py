"""Execution I/O helper of the Abaco engine (Node has no Unix datagram sockets and no mkfifo).

Commands on stdin, one JSON object per line ("owner" is [uid, gid] of the container's user, or null):
  {"cmd": "results", "id", "path", "owner"}           bind a Unix datagram socket at path; each datagram is one result
  {"cmd": "close", "id", "path"}                      drain and close the socket id, and remove it (now at path)
  {"cmd": "fifo", "id", "path", "source", "owner"}    make a FIFO at path and copy the file source into it once read
  {"cmd": "unfifo", "id"}                             give up on FIFO id (the actor never read it) and remove it
Answers on stdout, each a header line "<kind> <id> <length>" and <length> bytes of data:
  bound, closed, result, fifo-ready, fifo-done, error
"""
import json
import os
import selectors
import socket
import sys
import threading

MAX_DATAGRAM = 1 << 18
out_lock = threading.Lock()
selector = selectors.DefaultSelector()
sockets = {}
fifos = {}


def emit(kind, ident, data=b""):
    with out_lock:
        sys.stdout.buffer.write(f"{kind} {ident} {len(data)}\n".encode() + data)
        sys.stdout.buffer.flush()


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def give(path, owner, open_mode):
    """Makes path usable by the container's user only: its owner, mode 0600.

    When that user is not known (an actor that runs as its image's user, useContainerUid) or the
    file cannot be given away (the engine does not run as root), the file stays the engine's with
    open_mode, which lets any user in: then what keeps others out is the folder (0711: it cannot be
    listed) and the execution's random id in the file name.
    """
    os.chmod(path, 0o600)
    if owner is not None:
        try:
            os.chown(path, owner[0], owner[1])
            return
        except PermissionError:
            pass
    os.chmod(path, open_mode)


def open_results(ident, path, owner):
    remove(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    sock.bind(path)
    give(path, owner, 0o666)  # sending to a socket needs write permission
    sock.setblocking(False)
    selector.register(sock, selectors.EVENT_READ, ident)
    sockets[ident] = sock
    emit("bound", ident)


def receive(sock, ident):
    while True:
        try:
            data = sock.recv(MAX_DATAGRAM)
        except BlockingIOError:
            return
        emit("result", ident, data)


def close_results(ident, path):
    sock = sockets.pop(ident)
    receive(sock, ident)
    selector.unregister(sock)
    sock.close()
    remove(path)
    emit("closed", ident)


def feed(ident, path, source):
    try:
        with open(path, "wb") as fifo, open(source, "rb") as data:
            while chunk := data.read(1 << 16):
                fifo.write(chunk)
        emit("fifo-done", ident)
    except OSError as e:
        emit("error", ident, f"binary data: {e}".encode())
    finally:
        remove(path)


def open_fifo(ident, path, source, owner):
    remove(path)
    os.mkfifo(path, 0o600)
    give(path, owner, 0o644)  # the actor only reads it
    fifos[ident] = path
    threading.Thread(target=feed, args=(ident, path, source), daemon=True).start()
    emit("fifo-ready", ident)


def close_fifo(ident):
    path = fifos.pop(ident, None)
    if path is None:
        return
    try:  # a reader that opens and leaves unblocks a writer still waiting for one
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError:
        pass
    remove(path)


def command(line):
    request = json.loads(line)
    kind, ident = request["cmd"], request["id"]
    try:
        if kind == "results":
            open_results(ident, request["path"], request["owner"])
        elif kind == "close":
            close_results(ident, request["path"])
        elif kind == "fifo":
            open_fifo(ident, request["path"], request["source"], request["owner"])
        elif kind == "unfifo":
            close_fifo(ident)
    except (OSError, KeyError) as e:
        emit("error", ident, f"{kind}: {e}".encode())


def main():
    os.umask(0o077)  # what this helper makes is private until given to its user
    stdin = sys.stdin.buffer
    os.set_blocking(stdin.fileno(), False)
    selector.register(stdin, selectors.EVENT_READ, None)
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data is not None:
                receive(key.fileobj, key.data)
                continue
            chunk = os.read(stdin.fileno(), 1 << 16)
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line:
                    command(line.decode())


if __name__ == "__main__":
    main()
