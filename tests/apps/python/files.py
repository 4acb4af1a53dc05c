# Files through CPython's os, io, pathlib, shutil and tempfile: what the
# libOS's file tree must get right for a real interpreter.
import errno, fcntl, io, os, pathlib, shutil, stat, sys, tempfile

work = tempfile.mkdtemp(prefix="wicket-py-")
os.chdir(work)
print("tempdir under /tmp:", os.path.dirname(work), os.getcwd() == work)


def attempt(label, action):
    try:
        result = action()
    except OSError as error:
        print(label, "->", type(error).__name__, errno.errorcode[error.errno])
    else:
        print(label, "->", result)


with open("text.txt", "w", encoding="utf-8") as f:
    for i in range(2000):
        f.write(f"line {i} ü\n")
with open("text.txt", encoding="utf-8") as f:
    lines = f.readlines()
print("lines", len(lines), lines[1999].strip(), os.path.getsize("text.txt"))

with open("data.bin", "w+b") as f:
    f.write(bytes(range(256)) * 64)
    f.seek(1000)
    print("read at 1000", f.read(4).hex(), f.tell())
    f.seek(-10, io.SEEK_END)
    print("tail", f.read().hex())
    f.truncate(5000)
    f.seek(0, io.SEEK_END)
    print("truncated", f.tell())
    f.seek(10000)
    f.write(b"end")
    f.flush()
    print("sparse size", os.fstat(f.fileno()).st_size)
    f.seek(7000)
    print("hole", f.read(4))

fd = os.open("raw", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o640)
print("pwrite", os.pwrite(fd, b"abcdefgh", 4), "pread", os.pread(fd, 6, 2))
print("mode", oct(stat.S_IMODE(os.fstat(fd).st_mode)))
os.ftruncate(fd, 2)
print("after ftruncate", os.pread(fd, 100, 0), os.lseek(fd, 0, os.SEEK_END))
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
fcntl.lockf(fd, fcntl.LOCK_UN)
flags = fcntl.fcntl(fd, fcntl.F_GETFD)
print("cloexec", bool(flags & fcntl.FD_CLOEXEC), os.get_inheritable(fd))
duplicate = os.dup(fd)
print("dup shares offset", os.lseek(fd, 1, os.SEEK_SET), os.lseek(duplicate, 0, os.SEEK_CUR))
os.close(duplicate)
os.close(fd)
attempt("close again", lambda: os.close(fd))
attempt("exclusive again", lambda: os.open("raw", os.O_CREAT | os.O_EXCL))

base = pathlib.Path("tree")
(base / "a" / "b").mkdir(parents=True)
(base / "a" / "one.txt").write_text("1")
(base / "a" / "b" / "two.txt").write_text("22")
(base / "top.txt").write_bytes(b"333")
os.symlink("a/one.txt", base / "link")
os.symlink("nowhere", base / "dangling")
print("walk", [(os.path.relpath(root, "tree"), sorted(dirs), sorted(files))
               for root, dirs, files in sorted(os.walk("tree"))])
print("glob", sorted(str(p) for p in base.rglob("*.txt")))
print("link", os.readlink("tree/link"), (base / "link").read_text(),
      (base / "link").is_symlink(), (base / "dangling").exists(),
      os.path.realpath("tree/link") == os.path.join(work, "tree/a/one.txt"))
entries = sorted((e.name, e.is_dir(), e.is_file(), e.is_symlink())
                 for e in os.scandir("tree"))
print("scandir", entries)
os.utime("tree/top.txt", (1000000000, 1234567890))
info = os.stat("tree/top.txt")
print("utime", info.st_atime_ns, info.st_mtime_ns, info.st_size, info.st_nlink)
os.chmod("tree/top.txt", 0o600)
print("chmod", oct(stat.S_IMODE(os.stat("tree/top.txt").st_mode)),
      os.access("tree/top.txt", os.R_OK | os.W_OK))

shutil.copytree("tree", "copy", symlinks=True)
print("copytree", sorted(str(p.relative_to("copy")) for p in pathlib.Path("copy").rglob("*")))
print("copy content", pathlib.Path("copy/a/b/two.txt").read_text(),
      os.stat("copy/top.txt").st_mtime_ns == info.st_mtime_ns)
shutil.move("copy/a", "moved")
os.replace("tree/top.txt", "moved/top.txt")
os.rename("moved/b", "tree/b2")
print("after moves", sorted(os.listdir(".")), sorted(os.listdir("moved")),
      sorted(os.listdir("tree")))
attempt("rmdir non-empty", lambda: os.rmdir("tree"))
attempt("mkdir existing", lambda: os.mkdir("tree"))
attempt("open a directory for writing", lambda: open("tree", "w"))
attempt("listdir a file", lambda: os.listdir("text.txt"))
attempt("unlink a directory", lambda: os.unlink("tree"))
attempt("rename into itself", lambda: os.rename("tree", "tree/b2/x"))
attempt("missing parent", lambda: open("no/such/file", "w"))
attempt("stat dangling", lambda: os.stat("tree/dangling"))
attempt("lstat dangling", lambda: stat.S_ISLNK(os.lstat("tree/dangling").st_mode))
attempt("long name", lambda: open("x" * 300, "w"))
attempt("symlink loop", lambda: (os.symlink("loop", "loop"), open("loop"))[1])

with tempfile.TemporaryFile() as f:
    f.write(b"anonymous")
    f.seek(0)
    print("TemporaryFile", f.read(), os.fstat(f.fileno()).st_nlink)
with tempfile.NamedTemporaryFile("w+", suffix=".tmp", dir=".") as f:
    f.write("named")
    f.flush()
    print("NamedTemporaryFile", os.path.basename(f.name).endswith(".tmp"),
          open(f.name).read())
usage = shutil.disk_usage(".")
print("disk_usage", usage.total >= usage.used >= 0, usage.free > 0)
r, w = os.pipe()
os.write(w, b"through a pipe")
os.close(w)
print("pipe", os.read(r, 100), os.read(r, 100))
os.close(r)
print("devices", open("/dev/null", "rb").read(), len(open("/dev/zero", "rb").read(16)),
      len(os.urandom(32)))

os.chdir("/")
shutil.rmtree(work)
print("removed", os.path.exists(work))
