using System.Text.RegularExpressions;
using MLNet.Lstm.Tests.Samples;

namespace MLNet.Lstm.Tests.Architecture;

/// <summary>docs/design.md's folder table and catalog classes, checked against the tree under src/ so that drift fails.</summary>
public class DesignDocumentTests
{
    private static readonly string Root = ProcessRunner.RepositoryRoot();

    private static string Design() => File.ReadAllText(Path.Combine(Root, "docs", "design.md"));

    /// <summary>The folders two levels under src/ (src/Assembly/Folder) that hold source files.</summary>
    private static string[] SourceFolders() =>
        Directory.GetDirectories(Path.Combine(Root, "src"))
            .SelectMany(Directory.GetDirectories)
            .Where(d => Path.GetFileName(d) is not ("bin" or "obj"))
            .Where(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories).Any())
            .Select(d => Path.GetRelativePath(Root, d).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void TheFolderTableListsEveryFolderUnderSrcAndNoOther()
    {
        var documented = Regex.Matches(Design(), @"^\| `(src/[^`]+)` \|", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var tree = SourceFolders();
        Assert.Contains("src/Transforms/Calendar", tree);   // the check sees the real tree
        Assert.Equal(tree, documented);
    }

    [Fact]
    public void TheCatalogParagraphNamesEveryCatalogClass()
    {
        var classes = Directory.GetDirectories(Path.Combine(Root, "src"))
            .Select(d => Path.Combine(d, "Catalog"))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.cs"))
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Contains("LstmForecastingCatalog", classes);   // the check sees both assemblies' catalogs
        var design = Design();
        var missing = classes.Where(c => !design.Contains($"`{c}`", StringComparison.Ordinal)).ToArray();
        Assert.Empty(missing);
    }
}
