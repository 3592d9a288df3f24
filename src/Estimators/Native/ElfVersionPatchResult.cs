namespace MLNet.Lstm;

/// <summary>The result of looking up (and possibly weakening) one version requirement.</summary>
/// <param name="Outcome">What was found or done.</param>
/// <param name="Version">The version string that was asked for, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="RequiredFrom">The library the version is required from (the <c>vn_file</c> of its
/// <c>Elf64_Verneed</c>), e.g. <c>libstdc++.so.6</c>; null when not referenced.</param>
/// <param name="FlagsOffset">File offset of the 16-bit <c>vna_flags</c> field; -1 when not referenced.</param>
internal readonly record struct ElfVersionPatchResult(
    ElfVersionPatchOutcome Outcome, string Version, string? RequiredFrom, long FlagsOffset);
