namespace MLNet.Lstm;

/// <summary>What <see cref="ElfVersionPatcher"/> found for a requested symbol version.</summary>
internal enum ElfVersionPatchOutcome
{
    /// <summary>The file does not require the version at all: nothing to patch.</summary>
    NotReferenced,

    /// <summary>The version requirement is already weak (<c>VER_FLG_WEAK</c> set): nothing to patch.</summary>
    AlreadyWeak,

    /// <summary>The requirement was strong; <c>VER_FLG_WEAK</c> has been set in its <c>vna_flags</c>.</summary>
    Patched,
}
