"""Process launcher of the Abaco engine's process runtime.

A process forked from the engine copies the engine's page tables, which costs milliseconds for a
server of a hundred megabytes or more; this helper is small, and starts a process without copying
anything (vfork). It runs as the user its processes run as: the engine starts one for each such user
(a change of user would rule out vfork, and the exec of a forked child costs a millisecond more).

Commands on stdin, one JSON object per line:
  {"cmd": "run", "id", "argv", "env", "workDir", "mounts": [[hostPath, containerPath], ...]}
      make a sandbox folder in workDir (mounts as symlinks in it), and start argv in it, in a
      session of its own, with env plus ABACO_ROOT
  {"cmd": "kill", "id"}      SIGKILL the process group of id, unless it has ended already
  {"cmd": "remove", "id"}    remove the sandbox folder of id (nothing is answered)
When stdin closes, it removes the sandbox folders of the processes that ended, and exits.
Answers on stdout, each a header line "<kind> <id> <length>" and <length> bytes of data:
  started {"pid", "root"}, out <bytes>, err <bytes>, out-end, err-end,
  exit {"status": exit code or -signal, "cpu": ns of CPU of the process and its waited-for children,
  "io": bytes read and written}, error <text>
The frames made while handling what is ready at once go out in one write (one wake-up of the engine).
"""
import ctypes
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile

# Only root may trace this helper or open its /proc files (its pipes, its environment): it runs as
# the user its processes run as, and they must not read other executions' commands nor forge answers.
PR_SET_DUMPABLE = 4
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
    sys.exit(f"prctl(PR_SET_DUMPABLE): {os.strerror(ctypes.get_errno())}")

CHUNK = 1 << 16
selector = selectors.DefaultSelector()
running = {}  # id -> (pid, fd of its /proc io file or None), until reaped
roots = {}  # id -> sandbox folder, until removed


outbox = bytearray()  # frames to write once what is ready now has been handled


def emit(kind, ident, data=b""):
    outbox.extend(f"{kind} {ident} {len(data)}\n".encode())
    outbox.extend(data)


def send_frames():
    if outbox:
        sys.stdout.buffer.write(outbox)
        sys.stdout.buffer.flush()
        outbox.clear()


def run(ident, argv, env, work_dir, mounts):
    root = tempfile.mkdtemp(prefix="abaco-proc-", dir=work_dir)
    try:
        for host_path, container_path in mounts:
            at = os.path.join(root, container_path.lstrip("/"))
            os.makedirs(os.path.dirname(at), exist_ok=True)
            os.symlink(host_path, at)
        pid, out, err = start(argv, {**env, "ABACO_ROOT": root}, root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    roots[ident] = root
    running[ident] = (pid, open_io(pid))
    selector.register(os.pidfd_open(pid), selectors.EVENT_READ, ("exit", ident))
    for name, fd in (("out", out), ("err", err)):
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, (name, ident))
    emit("started", ident, json.dumps({"pid": pid, "root": root}).encode())


def start(argv, env, cwd):
    """Starts argv in a session of its own (subprocess uses vfork). Answers its pid and output pipes."""
    out, out_child = os.pipe()
    err, err_child = os.pipe()
    try:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_child,
                                   stderr=err_child, start_new_session=True)
    except BaseException:
        os.close(out)
        os.close(err)
        raise
    finally:
        os.close(out_child)
        os.close(err_child)
    process.returncode = 0  # reaped by exited(): subprocess must never wait for it
    return process.pid, out, err


def open_io(pid):
    """Opens the IO figures of a process while it runs: a user other than root may not open those of
    an ended one (a zombie's /proc files belong to root), but may read them from a file opened before.
    None when it ended already (the figures are then lost: a process that quick did next to no IO)."""
    try:
        return os.open(f"/proc/{pid}/io", os.O_RDONLY)
    except OSError:
        return None


def exited(ident, pidfd):
    selector.unregister(pidfd)
    os.close(pidfd)
    pid, io_fd = running.pop(ident)
    io = 0
    if io_fd is not None:  # the figures of the ended process (a zombie until reaped just below)
        try:
            fields = dict(line.split(": ") for line in os.pread(io_fd, 4096, 0).decode().splitlines())
            io = int(fields["rchar"]) + int(fields["wchar"])
        except (OSError, KeyError, ValueError):
            pass
        os.close(io_fd)
    _, status, usage = os.wait4(pid, 0)
    cpu = round((usage.ru_utime + usage.ru_stime) * 1e9)
    emit("exit", ident, json.dumps({"status": os.waitstatus_to_exitcode(status), "cpu": cpu, "io": io}).encode())


def output(kind, ident, fd):
    data = os.read(fd, CHUNK)
    if data:
        emit(kind, ident, data)
        return
    selector.unregister(fd)
    os.close(fd)
    emit(f"{kind}-end", ident)


def command(line):
    request = json.loads(line)
    kind, ident = request["cmd"], request["id"]
    try:
        if kind == "run":
            run(ident, request["argv"], request["env"], request["workDir"], request["mounts"])
        elif kind == "kill":
            if ident in running:  # not reaped: its pid, the group's id, is still its own
                try:
                    os.killpg(running[ident][0], signal.SIGKILL)
                except ProcessLookupError:
                    pass
        elif kind == "remove":
            root = roots.pop(ident, None)
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)
    except (OSError, subprocess.SubprocessError, KeyError, ValueError, TypeError) as e:
        emit("error", ident, f"{e}".encode())


def main():
    stdin = sys.stdin.buffer
    os.set_blocking(stdin.fileno(), False)
    selector.register(stdin, selectors.EVENT_READ, None)
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data is None:
                chunk = os.read(stdin.fileno(), CHUNK)
                if not chunk:  # the engine closed: remove the sandboxes of the processes that ended
                    for ident, root in roots.items():
                        if ident not in running:
                            shutil.rmtree(root, ignore_errors=True)
                    send_frames()
                    return
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line:
                        command(line.decode())
            elif key.data[0] == "exit":
                exited(key.data[1], key.fileobj)
            else:
                output(key.data[0], key.data[1], key.fileobj)
        send_frames()


if __name__ == "__main__":
    main()
