"""Process launcher of the Abaco engine's process runtime.

A process forked from the engine copies the engine's page tables, which costs milliseconds for a
server of a hundred megabytes or more; this helper is small, and starts a process without
copying anything (vfork) when it needs no change of user.

Commands on stdin, one JSON object per line:
  {"cmd": "run", "id", "argv", "env", "workDir", "mounts": [[hostPath, containerPath], ...], "owner": [uid, gid] | null}
      make a sandbox folder in workDir (mounts as symlinks in it, the folder given to owner), and
      start argv in it, in a session of its own, as owner (when given), with env plus ABACO_ROOT
  {"cmd": "kill", "id"}      SIGKILL the process group of id, unless it has ended already
  {"cmd": "remove", "id"}    remove the sandbox folder of id
When stdin closes, it removes the sandbox folders of the processes that ended, and exits.
Answers on stdout, each a header line "<kind> <id> <length>" and <length> bytes of data:
  started {"pid", "root"}, out <bytes>, err <bytes>, out-end, err-end,
  exit {"status": exit code or -signal, "cpu": ns of CPU of the process and its waited-for children,
  "io": bytes read and written}, removed, error <text>
"""
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile

CHUNK = 1 << 16
selector = selectors.DefaultSelector()
running = {}  # id -> Popen, until reaped
roots = {}  # id -> sandbox folder, until removed


def emit(kind, ident, data=b""):
    sys.stdout.buffer.write(f"{kind} {ident} {len(data)}\n".encode() + data)
    sys.stdout.buffer.flush()


def run(ident, argv, env, work_dir, mounts, owner):
    root = tempfile.mkdtemp(prefix="abaco-proc-", dir=work_dir)
    try:
        for host_path, container_path in mounts:
            at = os.path.join(root, container_path.lstrip("/"))
            os.makedirs(os.path.dirname(at), exist_ok=True)
            os.symlink(host_path, at)
        as_user = {}
        if owner is not None:
            os.chown(root, owner[0], owner[1])  # the sandbox belongs to the user the process runs as
            as_user = {"user": owner[0], "group": owner[1], "extra_groups": []}
        process = subprocess.Popen(
            argv, cwd=root, env={**env, "ABACO_ROOT": root}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **as_user)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    roots[ident] = root
    running[ident] = process
    selector.register(os.pidfd_open(process.pid), selectors.EVENT_READ, ("exit", ident))
    for name, stream in (("out", process.stdout), ("err", process.stderr)):
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ, (name, ident))
    emit("started", ident, json.dumps({"pid": process.pid, "root": root}).encode())


def exited(ident, pidfd):
    selector.unregister(pidfd)
    os.close(pidfd)
    process = running.pop(ident)
    try:  # the figures of the ended process (a zombie until reaped just below)
        with open(f"/proc/{process.pid}/io") as text:
            fields = dict(line.split(": ") for line in text.read().splitlines())
        io = int(fields["rchar"]) + int(fields["wchar"])
    except (OSError, KeyError, ValueError):
        io = 0
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: subprocess must not wait for it
    cpu = round((usage.ru_utime + usage.ru_stime) * 1e9)
    emit("exit", ident, json.dumps({"status": process.returncode, "cpu": cpu, "io": io}).encode())


def output(kind, ident, stream):
    data = os.read(stream.fileno(), CHUNK)
    if data:
        emit(kind, ident, data)
        return
    selector.unregister(stream)
    stream.close()
    emit(f"{kind}-end", ident)


def command(line):
    request = json.loads(line)
    kind, ident = request["cmd"], request["id"]
    try:
        if kind == "run":
            run(ident, request["argv"], request["env"], request["workDir"], request["mounts"], request["owner"])
        elif kind == "kill":
            if ident in running:  # not reaped: its pid, the group's id, is still its own
                try:
                    os.killpg(running[ident].pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        elif kind == "remove":
            root = roots.pop(ident, None)
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)
            emit("removed", ident)
    except (OSError, subprocess.SubprocessError, KeyError, ValueError) as e:
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


if __name__ == "__main__":
    main()
