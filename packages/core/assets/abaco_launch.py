"""Process launcher of the Abaco engine's process runtime.

A process forked from the engine copies the engine's page tables, which costs milliseconds for a
server of a hundred megabytes or more; this helper is small, and starts a process without
copying anything (vfork) when it needs no change of user.

Commands on stdin, one JSON object per line:
  {"cmd": "run", "id", "argv", "env", "workDir", "mounts": [[hostPath, containerPath], ...], "owner": [uid, gid] | null}
      make a sandbox folder in workDir (mounts as symlinks in it, the folder given to owner), and
      start argv in it, in a session of its own, as owner (when given), with env plus ABACO_ROOT
  {"cmd": "kill", "id"}      SIGKILL the process group of id, unless it has ended already
  {"cmd": "remove", "id"}    remove the sandbox folder of id (nothing is answered)
When stdin closes, it removes the sandbox folders of the processes that ended, and exits.
A process that runs as another user starts from a spare process made ahead of time (see Spare).
Answers on stdout, each a header line "<kind> <id> <length>" and <length> bytes of data:
  started {"pid", "root"}, out <bytes>, err <bytes>, out-end, err-end,
  exit {"status": exit code or -signal, "cpu": ns of CPU of the process and its waited-for children,
  "io": bytes read and written}, error <text>
The frames made while handling what is ready at once go out in one write (one wake-up of the engine).
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
MAX_SPARES = 4
running = {}  # id -> (pid, owner, fd of its /proc io file or None), until reaped
roots = {}  # id -> sandbox folder, until removed
spares = {}  # (uid, gid) -> Spare, the oldest first
wanted = []  # owners whose spare is to be made once nothing else is to be done


outbox = bytearray()  # frames to write once what is ready now has been handled


def emit(kind, ident, data=b""):
    outbox.extend(f"{kind} {ident} {len(data)}\n".encode())
    outbox.extend(data)


def send_frames():
    if outbox:
        sys.stdout.buffer.write(outbox)
        sys.stdout.buffer.flush()
        outbox.clear()


def run(ident, argv, env, work_dir, mounts, owner):
    root = tempfile.mkdtemp(prefix="abaco-proc-", dir=work_dir)
    try:
        for host_path, container_path in mounts:
            at = os.path.join(root, container_path.lstrip("/"))
            os.makedirs(os.path.dirname(at), exist_ok=True)
            os.symlink(host_path, at)
        if owner is not None:
            os.chown(root, owner[0], owner[1])  # the sandbox belongs to the user the process runs as
        pid, out, err = start(argv, {**env, "ABACO_ROOT": root}, root, owner)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    roots[ident] = root
    running[ident] = (pid, owner, open_io(pid))
    selector.register(os.pidfd_open(pid), selectors.EVENT_READ, ("exit", ident))
    for name, fd in (("out", out), ("err", err)):
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, (name, ident))
    emit("started", ident, json.dumps({"pid": pid, "root": root}).encode())


def start(argv, env, cwd, owner):
    """Starts argv in a session of its own: by a spare of owner when there is one, else by
    subprocess (which uses vfork when no user is switched). Answers its pid and output pipes."""
    spare = spares.pop(tuple(owner), None) if owner is not None else None
    if spare is not None:
        try:
            return spare.start(argv, env, cwd)
        except BrokenPipeError:  # the spare died (it was ended): start it the usual way
            pass
    out, out_child = os.pipe()
    err, err_child = os.pipe()
    as_user = {} if owner is None else {"user": owner[0], "group": owner[1], "extra_groups": []}
    try:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_child,
                                   stderr=err_child, start_new_session=True, **as_user)
    except BaseException:
        os.close(out)
        os.close(err)
        raise
    finally:
        os.close(out_child)
        os.close(err_child)
    process.returncode = 0  # reaped by exited(): subprocess must never wait for it
    return process.pid, out, err


# The program of a spare (perl starts in about two milliseconds, python3 in ten): it waits, as
# root, for its order on stdin ("\0"-separated: how many fields follow, cwd, argc, argv, the names
# and values of the environment, "end": an order cut short is never run); then switches to the
# owner's ids (argv: uid, gid, the report fd): groups and effective ids first, then real ones, so
# that the saved ids follow, and root cannot be had back; and execs the order. What fails before
# the exec is written to the report fd, which the exec closes otherwise.
SPARE = r"""
my ($uid, $gid, $report_fd) = @ARGV;
open(my $report, ">&", $report_fd) or exit 127; # a copy, which perl makes close-on-exec
{ open(my $given, ">&=", $report_fd); close $given; }
sub fail { print $report "@_"; close $report; exit 127 }
my @order = do { local $/; split /\0/, <STDIN>, -1 };
fail("the order was cut short") unless @order > 1 && shift(@order) == @order && pop(@order) eq "end";
open(STDIN, "+<", "/dev/null") or fail("/dev/null: $!");
my ($cwd, $argc) = splice(@order, 0, 2);
my @argv = splice(@order, 0, $argc);
%ENV = @order;
$) = "$gid $gid";
$( = $gid;
$> = $uid;
$< = $uid;
fail("could not switch to $uid:$gid") if $< != $uid || $> != $uid || $( != $gid || "$)" ne "$gid $gid";
$> = 0;
fail("could switch back to root") if $> == 0;
chdir $cwd or fail("$cwd: $!");
exec { $argv[0] } @argv;
fail("$argv[0]: $!");
"""
PERL = shutil.which("perl")


class Spare:
    """A process started ahead of time for one owner (by vfork, as root: the owner's processes cannot
    signal it), in a session of its own, that waits for its order (argv, env, cwd), then switches to
    the owner's ids and execs it. Switching ids in a fork of this helper costs about a millisecond
    (no vfork then), and the exec of such a fork a millisecond more, which a spare takes off the
    start of a process: one is made for an owner when a process of theirs ends, once the launcher
    has nothing else to do (its output relayed, other commands answered). Only when perl is there."""

    def __init__(self, owner):
        self.out, out_child = os.pipe()
        self.err, err_child = os.pipe()
        order_child, self.order = os.pipe()
        self.report, report_child = os.pipe()
        try:
            process = subprocess.Popen([PERL, "-e", SPARE, str(owner[0]), str(owner[1]), str(report_child)], env={},
                                       stdin=order_child, stdout=out_child, stderr=err_child,
                                       pass_fds=(report_child,), start_new_session=True)
            process.returncode = 0  # reaped by end() or exited(): subprocess must never wait for it
            self.pid = process.pid
        except BaseException:
            for fd in (self.out, self.err, self.order, self.report):
                os.close(fd)
            raise
        finally:
            for fd in (out_child, err_child, order_child, report_child):
                os.close(fd)

    def start(self, argv, env, cwd):
        """Runs argv as the owner; refuses what subprocess refuses. A spare that failed is ended."""
        try:
            fields = [os.fsencode(field) for field in (cwd, str(len(argv)), *argv, *(part for pair in env.items() for part in pair))]
            if any(b"\0" in field for field in fields) or any("=" in name for name in env):
                raise ValueError("a NUL character in the command or environment, or '=' in a variable name")
            write_all(self.order, b"\0".join([str(len(fields) + 1).encode(), *fields, b"end"]))
        except BaseException:
            self.end()
            raise
        os.close(self.order)
        failure = read_all(self.report)
        if failure:
            self.end(order_closed=True)
            raise OSError(failure.decode())
        os.close(self.report)
        return self.pid, self.out, self.err

    def end(self, order_closed=False):
        """Closes what this helper holds of a spare that will not run anything, and reaps it."""
        for fd in ([] if order_closed else [self.order]) + [self.out, self.err, self.report]:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_all(fd):
    data = b""
    while chunk := os.read(fd, CHUNK):
        data += chunk
    return data


def refill(owner):
    """Makes a spare for owner (at most MAX_SPARES owners have one: the oldest goes)."""
    key = tuple(owner)
    if key in spares or PERL is None:
        return
    if len(spares) >= MAX_SPARES:
        spares.pop(next(iter(spares))).end()
    try:
        spares[key] = Spare(owner)
    except OSError:
        pass  # no spare: the next process of owner starts the usual way


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
    pid, owner, io_fd = running.pop(ident)
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
    if owner is not None and owner not in wanted:
        wanted.append(owner)  # after the process's output ends and other work is answered


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
            run(ident, request["argv"], request["env"], request["workDir"], request["mounts"], request["owner"])
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
        ready = selector.select(0 if wanted else None)
        if not ready and wanted:
            refill(wanted.pop(0))
        for key, _ in ready:
            if key.data is None:
                chunk = os.read(stdin.fileno(), CHUNK)
                if not chunk:  # the engine closed: remove the sandboxes of the processes that ended
                    for ident, root in roots.items():
                        if ident not in running:
                            shutil.rmtree(root, ignore_errors=True)
                    for spare in spares.values():
                        spare.end()
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
