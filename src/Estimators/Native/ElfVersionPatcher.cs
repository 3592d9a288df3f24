using System.Buffers.Binary;
using System.Text;

namespace MLNet.Lstm;

/// <summary>
/// Minimal, bounds-checked ELF64 little-endian reader that finds an <c>Elf64_Vernaux</c> entry of the
/// <c>.gnu.version_r</c> section (<c>SHT_GNU_verneed</c>) by version name and marks it weak
/// (<c>vna_flags |= VER_FLG_WEAK</c>). A weak version requirement that the system library lacks is no longer a
/// load error for the dynamic linker. Only that one 16-bit field is ever written.
/// </summary>
internal static class ElfVersionPatcher
{
    /// <summary><c>VER_FLG_WEAK</c>: the version requirement is weak.</summary>
    public const ushort VerFlagWeak = 0x2;

    private const int ElfHeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;
    private const uint ShtStrtab = 3;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Finds the requirement of <paramref name="version"/> without changing anything.</summary>
    /// <exception cref="ElfFormatException">The image is not a well-formed ELF64 little-endian file.</exception>
    public static ElfVersionPatchResult Inspect(ReadOnlySpan<byte> image, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        var (offset, flags, file) = Find(image, version);
        if (offset < 0)
            return new ElfVersionPatchResult(ElfVersionPatchOutcome.NotReferenced, version, null, -1);
        var outcome = (flags & VerFlagWeak) != 0 ? ElfVersionPatchOutcome.AlreadyWeak : ElfVersionPatchOutcome.Patched;
        return new ElfVersionPatchResult(outcome, version, file, offset);
    }

    /// <summary>
    /// Marks the requirement of <paramref name="version"/> weak in <paramref name="image"/> (in place). Returns
    /// <see cref="ElfVersionPatchOutcome.Patched"/> only when a byte was changed.
    /// </summary>
    /// <exception cref="ElfFormatException">The image is not a well-formed ELF64 little-endian file.</exception>
    public static ElfVersionPatchResult Patch(Span<byte> image, string version)
    {
        var result = Inspect(image, version);
        if (result.Outcome == ElfVersionPatchOutcome.Patched)
        {
            var field = image.Slice(checked((int)result.FlagsOffset), 2);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(field);
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)(flags | VerFlagWeak));
        }
        return result;
    }

    private static (long FlagsOffset, ushort Flags, string? File) Find(ReadOnlySpan<byte> image, string version)
    {
        if (image.Length < ElfHeaderSize || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new ElfFormatException($"Not an ELF file: it is {image.Length} bytes long and does not start with the ELF magic 0x7F 'E' 'L' 'F' followed by a 64-byte header.");
        if (image[4] != 2)
            throw new ElfFormatException($"Unsupported ELF class {image[4]}: only 64-bit ELF (class 2) is supported.");
        if (image[5] != 1)
            throw new ElfFormatException($"Unsupported ELF data encoding {image[5]}: only little-endian (1) is supported.");

        ulong shoff = ReadU64(image, 40);
        ushort shentsize = ReadU16(image, 58);
        ulong shnum = ReadU16(image, 60);
        if (shoff == 0)
            throw new ElfFormatException("The ELF file has no section header table (e_shoff is 0).");
        if (shentsize < SectionHeaderSize)
            throw new ElfFormatException($"Invalid ELF section header entry size {shentsize} (expected at least {SectionHeaderSize}).");
        RequireRange(image, shoff, shentsize, "section header 0");
        if (shnum == 0)
            shnum = ReadU64(image, checked((int)shoff) + 32); // extended numbering: count is in section 0's sh_size
        if (shnum > (ulong)image.Length / shentsize)
            throw new ElfFormatException($"Invalid ELF section count {shnum}: the table cannot fit in a {image.Length}-byte file.");
        RequireRange(image, shoff, shnum * shentsize, "section header table");

        for (ulong i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + i * shentsize));
            if (ReadU32(image, sh + 4) != ShtGnuVerneed)
                continue;

            ulong secOffset = ReadU64(image, sh + 24);
            ulong secSize = ReadU64(image, sh + 32);
            uint link = ReadU32(image, sh + 40);
            uint entries = ReadU32(image, sh + 44);
            RequireRange(image, secOffset, secSize, "section .gnu.version_r");
            if (link == 0 || link >= shnum)
                throw new ElfFormatException($"Invalid sh_link {link} of .gnu.version_r: it must name the string table section (1..{shnum - 1}).");
            int strSh = checked((int)(shoff + link * (ulong)shentsize));
            if (ReadU32(image, strSh + 4) != ShtStrtab)
                throw new ElfFormatException($"Section {link} linked from .gnu.version_r is not a string table (SHT_STRTAB).");
            ulong strOffset = ReadU64(image, strSh + 24);
            ulong strSize = ReadU64(image, strSh + 32);
            RequireRange(image, strOffset, strSize, "string table of .gnu.version_r");
            var strtab = image.Slice((int)strOffset, (int)strSize);
            var section = image.Slice((int)secOffset, (int)secSize);

            // Each entry is at least 16 bytes: this bounds the walk even if the chain loops.
            ulong maxAux = secSize / VernauxSize;
            ulong need = 0;
            for (uint n = 0; n < entries; n++)
            {
                RequireInSection(section, need, VerneedSize, "Elf64_Verneed");
                int vn = (int)need;
                ushort cnt = ReadU16(section, vn + 2);
                uint fileName = ReadU32(section, vn + 4);
                uint auxOff = ReadU32(section, vn + 8);
                uint next = ReadU32(section, vn + 12);
                if (cnt > maxAux)
                    throw new ElfFormatException($"Invalid vn_cnt {cnt} in Elf64_Verneed at section offset {need}.");

                ulong aux = need + auxOff;
                for (ushort a = 0; a < cnt; a++)
                {
                    RequireInSection(section, aux, VernauxSize, "Elf64_Vernaux");
                    int va = (int)aux;
                    uint name = ReadU32(section, va + 8);
                    if (ReadString(strtab, name) == version)
                        return ((long)secOffset + va + 4, ReadU16(section, va + 4), ReadString(strtab, fileName));
                    uint auxNext = ReadU32(section, va + 12);
                    if (auxNext == 0)
                        break;
                    aux += auxNext;
                }

                if (next == 0)
                    break;
                need += next;
            }
        }

        return (-1, 0, null);
    }

    private static void RequireRange(ReadOnlySpan<byte> image, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)image.Length || size > (ulong)image.Length - offset)
            throw new ElfFormatException($"Truncated or corrupt ELF file: {what} (offset {offset}, size {size}) lies outside the {image.Length}-byte file.");
    }

    private static void RequireInSection(ReadOnlySpan<byte> section, ulong offset, int size, string what)
    {
        if (offset > (ulong)section.Length || (ulong)size > (ulong)section.Length - offset)
            throw new ElfFormatException($"Corrupt .gnu.version_r section: {what} at section offset {offset} lies outside the {section.Length}-byte section.");
    }

    private static string ReadString(ReadOnlySpan<byte> strtab, uint offset)
    {
        if (offset >= (uint)strtab.Length)
            throw new ElfFormatException($"Corrupt ELF string reference: offset {offset} lies outside the {strtab.Length}-byte string table.");
        var rest = strtab.Slice((int)offset);
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new ElfFormatException($"Corrupt ELF string table: the string at offset {offset} is not NUL-terminated.");
        return Encoding.UTF8.GetString(rest.Slice(0, end));
    }

    private static ushort ReadU16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(offset, 2));
    private static uint ReadU32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(offset, 4));
    private static ulong ReadU64(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(offset, 8));
}
