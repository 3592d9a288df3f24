using System.Buffers.Binary;
using System.Text;

namespace MLNet.Lstm.Tests.Native;

public class ElfVersionPatcherTests
{
    /// <summary>Builds a minimal ELF64 little-endian file: header, .dynstr, .gnu.version_r (two Elf64_Verneed
    /// entries: libstdc++.so.6 with GLIBCXX_3.4.30 and GLIBCXX_3.4.32, libc.so.6 with GLIBC_2.34), .shstrtab and
    /// the section header table at the end.</summary>
    internal sealed class CraftedElf
    {
        public const int DynstrOffset = 64;
        public byte[] Bytes = [];
        public int VerneedOffset;
        public int SectionHeadersOffset;
        public readonly Dictionary<string, int> Strings = new();

        /// <summary>File offsets of each Elf64_Vernaux's vna_flags, by version name.</summary>
        public readonly Dictionary<string, int> FlagsOffsets = new();

        public static CraftedElf Build(ushort flags32 = 0)
        {
            var elf = new CraftedElf();
            var dynstr = new List<byte> { 0 };
            foreach (var s in new[] { "libstdc++.so.6", "GLIBCXX_3.4.30", "GLIBCXX_3.4.32", "libc.so.6", "GLIBC_2.34" })
            {
                elf.Strings[s] = dynstr.Count;
                dynstr.AddRange(Encoding.ASCII.GetBytes(s));
                dynstr.Add(0);
            }
            int verneed = Align(DynstrOffset + dynstr.Count, 8);
            int verneedSize = 16 + 2 * 16 + 16 + 16;
            byte[] shstr = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
            int shstrOffset = verneed + verneedSize;
            int shoff = Align(shstrOffset + shstr.Length, 8);
            var b = new byte[shoff + 4 * 64];

            // ELF header
            b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
            b[4] = 2; b[5] = 1; b[6] = 1;
            U16(b, 16, 3);      // ET_DYN
            U16(b, 18, 62);     // EM_X86_64
            U32(b, 20, 1);
            U64(b, 40, (ulong)shoff);
            U16(b, 52, 64);
            U16(b, 58, 64);
            U16(b, 60, 4);
            U16(b, 62, 3);
            dynstr.ToArray().CopyTo(b, DynstrOffset);

            // Elf64_Verneed for libstdc++.so.6 with two Elf64_Vernaux, then one for libc.so.6.
            int v = verneed;
            U16(b, v, 1); U16(b, v + 2, 2); U32(b, v + 4, (uint)elf.Strings["libstdc++.so.6"]); U32(b, v + 8, 16); U32(b, v + 12, 48);
            Aux(b, v + 16, elf, "GLIBCXX_3.4.30", 0, 3, next: 16);
            Aux(b, v + 32, elf, "GLIBCXX_3.4.32", flags32, 4, next: 0);
            v += 48;
            U16(b, v, 1); U16(b, v + 2, 1); U32(b, v + 4, (uint)elf.Strings["libc.so.6"]); U32(b, v + 8, 16); U32(b, v + 12, 0);
            Aux(b, v + 16, elf, "GLIBC_2.34", 0, 5, next: 0);
            shstr.CopyTo(b, shstrOffset);

            // Section headers: [0] null, [1] .dynstr, [2] .gnu.version_r, [3] .shstrtab.
            Section(b, shoff + 64, name: 1, type: 3, offset: DynstrOffset, size: dynstr.Count, link: 0, info: 0);
            Section(b, shoff + 128, name: 9, type: 0x6ffffffe, offset: verneed, size: verneedSize, link: 1, info: 2);
            Section(b, shoff + 192, name: 24, type: 3, offset: shstrOffset, size: shstr.Length, link: 0, info: 0);

            elf.Bytes = b;
            elf.VerneedOffset = verneed;
            elf.SectionHeadersOffset = shoff;
            return elf;
        }

        private static void Aux(byte[] b, int at, CraftedElf elf, string name, ushort flags, ushort other, uint next)
        {
            U32(b, at, 0x0bad0bad); U16(b, at + 4, flags); U16(b, at + 6, other); U32(b, at + 8, (uint)elf.Strings[name]); U32(b, at + 12, next);
            elf.FlagsOffsets[name] = at + 4;
        }

        private static void Section(byte[] b, int at, uint name, uint type, int offset, int size, uint link, uint info)
        {
            U32(b, at, name); U32(b, at + 4, type); U64(b, at + 24, (ulong)offset); U64(b, at + 32, (ulong)size);
            U32(b, at + 40, link); U32(b, at + 44, info); U64(b, at + 48, 1);
        }

        private static int Align(int x, int a) => (x + a - 1) / a * a;
        public static void U16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
        public static void U32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
        public static void U64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);
    }

    private static int[] DifferingOffsets(byte[] a, byte[] b) =>
        Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();

    [Fact]
    public void PatchSetsOnlyTheWeakFlagOfTheRequestedVersion()
    {
        var elf = CraftedElf.Build();
        var original = (byte[])elf.Bytes.Clone();

        var result = ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32");

        Assert.Equal(ElfVersionPatchOutcome.Patched, result.Outcome);
        Assert.Equal("libstdc++.so.6", result.RequiredFrom);
        Assert.Equal(elf.FlagsOffsets["GLIBCXX_3.4.32"], result.FlagsOffset);
        Assert.Equal(original.Length, elf.Bytes.Length);
        Assert.Equal([elf.FlagsOffsets["GLIBCXX_3.4.32"]], DifferingOffsets(original, elf.Bytes));
        Assert.Equal(ElfVersionPatcher.VerFlagWeak, BinaryPrimitives.ReadUInt16LittleEndian(elf.Bytes.AsSpan((int)result.FlagsOffset)));
    }

    [Fact]
    public void PatchKeepsOtherFlagBits()
    {
        var elf = CraftedElf.Build(flags32: 0x1);
        var result = ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32");
        Assert.Equal(ElfVersionPatchOutcome.Patched, result.Outcome);
        Assert.Equal(0x3, BinaryPrimitives.ReadUInt16LittleEndian(elf.Bytes.AsSpan((int)result.FlagsOffset)));
    }

    [Fact]
    public void AlreadyWeakRequirementIsLeftAlone()
    {
        var elf = CraftedElf.Build(flags32: ElfVersionPatcher.VerFlagWeak);
        var original = (byte[])elf.Bytes.Clone();

        var result = ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32");

        Assert.Equal(ElfVersionPatchOutcome.AlreadyWeak, result.Outcome);
        Assert.Equal(elf.FlagsOffsets["GLIBCXX_3.4.32"], result.FlagsOffset);
        Assert.Equal(original, elf.Bytes);
    }

    [Fact]
    public void PatchingTwiceChangesNothingTheSecondTime()
    {
        var elf = CraftedElf.Build();
        Assert.Equal(ElfVersionPatchOutcome.Patched, ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32").Outcome);
        var once = (byte[])elf.Bytes.Clone();
        Assert.Equal(ElfVersionPatchOutcome.AlreadyWeak, ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32").Outcome);
        Assert.Equal(once, elf.Bytes);
    }

    [Fact]
    public void UnreferencedVersionIsLeftAlone()
    {
        var elf = CraftedElf.Build();
        var original = (byte[])elf.Bytes.Clone();

        var result = ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.33");

        Assert.Equal(ElfVersionPatchOutcome.NotReferenced, result.Outcome);
        Assert.Null(result.RequiredFrom);
        Assert.Equal(-1, result.FlagsOffset);
        Assert.Equal(original, elf.Bytes);
    }

    [Fact]
    public void WalksTheVerneedChainToLaterLibraries()
    {
        var elf = CraftedElf.Build();
        var result = ElfVersionPatcher.Inspect(elf.Bytes, "GLIBC_2.34");
        Assert.Equal(ElfVersionPatchOutcome.Patched, result.Outcome); // strong: would be patched
        Assert.Equal("libc.so.6", result.RequiredFrom);
        Assert.Equal(elf.FlagsOffsets["GLIBC_2.34"], result.FlagsOffset);
    }

    [Fact]
    public void FileWithoutVersionNeedsSectionNeedsNoPatch()
    {
        var elf = CraftedElf.Build();
        CraftedElf.U32(elf.Bytes, elf.SectionHeadersOffset + 128 + 4, 1); // .gnu.version_r becomes SHT_PROGBITS
        var original = (byte[])elf.Bytes.Clone();
        Assert.Equal(ElfVersionPatchOutcome.NotReferenced, ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32").Outcome);
        Assert.Equal(original, elf.Bytes);
    }

    [Fact]
    public void NonElfFileGivesClearError()
    {
        var text = Encoding.ASCII.GetBytes("#!/bin/sh\necho this is not a shared library, but it is long enough to hold a header\n");
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(text, "GLIBCXX_3.4.32"));
        Assert.Contains("Not an ELF file", ex.Message);
        Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(Array.Empty<byte>(), "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void EveryTruncationGivesClearErrorNeverACrash()
    {
        var full = CraftedElf.Build().Bytes;
        for (int length = 0; length < full.Length; length++)
        {
            var truncated = full.AsSpan(0, length).ToArray();
            var ex = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(truncated, "GLIBCXX_3.4.32"));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            Assert.True(ex.Message.Contains("Truncated") || ex.Message.Contains("Not an ELF file"), $"length {length}: {ex.Message}");
        }
    }

    [Fact]
    public void UnsupportedClassOrByteOrderGivesClearError()
    {
        var elf32 = CraftedElf.Build().Bytes;
        elf32[4] = 1;
        Assert.Contains("only 64-bit ELF", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf32, "GLIBCXX_3.4.32")).Message);
        var bigEndian = CraftedElf.Build().Bytes;
        bigEndian[5] = 2;
        Assert.Contains("only little-endian", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(bigEndian, "GLIBCXX_3.4.32")).Message);
    }

    [Fact]
    public void CorruptVersionNeedsEntriesGiveClearErrors()
    {
        // vn_aux pointing past the section.
        var elf = CraftedElf.Build();
        CraftedElf.U32(elf.Bytes, elf.VerneedOffset + 8, 4096);
        Assert.Contains("Elf64_Vernaux", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32")).Message);

        // vn_next pointing past the section.
        elf = CraftedElf.Build();
        CraftedElf.U32(elf.Bytes, elf.VerneedOffset + 12, 4096);
        Assert.Contains("Elf64_Verneed", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBC_2.34")).Message);

        // vna_name outside the string table.
        elf = CraftedElf.Build();
        CraftedElf.U32(elf.Bytes, elf.FlagsOffsets["GLIBCXX_3.4.30"] + 4, 100000);
        Assert.Contains("string table", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32")).Message);

        // sh_link naming a section that is not a string table.
        elf = CraftedElf.Build();
        CraftedElf.U32(elf.Bytes, elf.SectionHeadersOffset + 128 + 40, 2);
        Assert.Contains("not a string table", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32")).Message);

        // Section size running past the end of the file.
        elf = CraftedElf.Build();
        CraftedElf.U64(elf.Bytes, elf.SectionHeadersOffset + 128 + 32, ulong.MaxValue);
        Assert.Contains("outside the", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32")).Message);

        // Absurd section count.
        elf = CraftedElf.Build();
        CraftedElf.U16(elf.Bytes, 60, ushort.MaxValue);
        Assert.Contains("section count", Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.Patch(elf.Bytes, "GLIBCXX_3.4.32")).Message);
    }

    [Fact]
    public void RealLibTorchSharpNeedsOnlyTheOneFlagChanged()
    {
        string path = RealLibTorchSharpPath();
        var original = File.ReadAllBytes(path);
        var copy = (byte[])original.Clone();

        var result = ElfVersionPatcher.Patch(copy, "GLIBCXX_3.4.32");

        Assert.Equal(ElfVersionPatchOutcome.Patched, result.Outcome);
        Assert.Equal("libstdc++.so.6", result.RequiredFrom);
        Assert.Equal([(int)result.FlagsOffset], DifferingOffsets(original, copy));
        ushort before = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan((int)result.FlagsOffset));
        ushort after = BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan((int)result.FlagsOffset));
        Assert.Equal(0, before & ElfVersionPatcher.VerFlagWeak);
        Assert.Equal(before | ElfVersionPatcher.VerFlagWeak, after);

        // The patched copy needs no further patch; versions the file does not require are not touched.
        Assert.Equal(ElfVersionPatchOutcome.AlreadyWeak, ElfVersionPatcher.Inspect(copy, "GLIBCXX_3.4.32").Outcome);
        Assert.Equal(ElfVersionPatchOutcome.NotReferenced, ElfVersionPatcher.Inspect(original, "GLIBCXX_3.4.99").Outcome);
    }

    internal static string RealLibTorchSharpPath()
    {
        string path = Path.Combine(TorchNativeLoader.EnsureLoaded().NativeDirectory!, "libLibTorchSharp.so");
        Assert.True(File.Exists(path), path);
        return path;
    }
}
