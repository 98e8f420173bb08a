import zipfile, io, sys
class Unseekable(io.RawIOBase):
    def __init__(s, f): s.f = f
    def writable(s): return True
    def write(s, b): return s.f.write(b)
with open("py.zip", "wb") as f:
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("a.txt", "hello " * 100, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("dir/", "")
        z.writestr("dir/b.bin", bytes(range(256)), compress_type=zipfile.ZIP_STORED)
        z.comment = b"a comment"
with open("pystream.zip", "wb") as f:
    with zipfile.ZipFile(Unseekable(f), "w") as z:
        z.writestr("a.txt", "hello " * 100, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("b.bin", bytes(range(256)), compress_type=zipfile.ZIP_STORED)
        with z.open("c.txt", "w", force_zip64=True) as w:
            w.write(b"zip64 " * 50)
with open("pyzip64.zip", "wb") as f:
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("c.txt", "w", force_zip64=True) as w:
            w.write(b"zip64 " * 50)
