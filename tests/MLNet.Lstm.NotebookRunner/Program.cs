using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace MLNet.Lstm.NotebookRunner;

/// <summary>
/// Runs every C# cell of a .ipynb notebook, in order, through one .NET Interactive C# kernel with the
/// <c>#r "nuget: ..."</c> / <c>#i "nuget: ..."</c> directives enabled (what Polyglot Notebooks does), and prints what
/// each cell produced. Stops at the first cell that fails (compile error or exception) with exit code 1.
/// </summary>
/// <remarks>
/// Output, one block per code cell: <c>== cell K (csharp)</c>, then its standard output and error, its displayed
/// values (plain text; an image is reported as <c>[image/png N bytes]</c>), and <c>== cell K ok</c> or
/// <c>== cell K FAILED: message</c>. Last line: <c>== N cells ok, M images displayed</c>.
/// <para>With <c>--write-outputs TARGET.ipynb</c> (after every cell succeeded), the cells' outputs in .ipynb form
/// (standard output, displayed values with all their MIME types, return values) replace the outputs of TARGET's code
/// cells, in order: TARGET is the notebook that was run, or the same notebook with other package versions.</para>
/// </remarks>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        bool write = args.Length == 3 && args[1] == "--write-outputs";
        if ((args.Length != 1 && !write) || !File.Exists(args[0]) || (write && !File.Exists(args[2])))
        {
            Console.Error.WriteLine("usage: MLNet.Lstm.NotebookRunner NOTEBOOK.ipynb [--write-outputs TARGET.ipynb]   (run from the notebook's folder)");
            return 2;
        }
        var outputs = new NotebookOutputs();
        InteractiveDocument document;
        await using (var stream = File.OpenRead(args[0]))
            document = Notebook.Read(stream, new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp") });

        using var kernel = CreateKernel();
        int cells = 0, images = 0;
        foreach (var element in document.Elements.Where(e => e.KernelName is "csharp" or "C#"))
        {
            cells++;
            outputs.NextCell();
            Console.WriteLine($"== cell {cells} (csharp)");
            var result = await kernel.SendAsync(new SubmitCode(element.Contents));
            string? failure = null;
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case StandardOutputValueProduced o:
                        Console.Write(Text(o));
                        outputs.Stream("stdout", Text(o));
                        break;
                    case StandardErrorValueProduced err:
                        Console.Write(Text(err));
                        outputs.Stream("stderr", Text(err));
                        break;
                    case DisplayEvent d:
                        images += Report(d);
                        outputs.Display(d);
                        break;
                    case CommandFailed f:
                        failure = f.Message;
                        break;
                }
            }
            if (failure is not null)
            {
                Console.WriteLine($"== cell {cells} FAILED: {failure}");
                return 1;
            }
            Console.WriteLine($"== cell {cells} ok");
        }
        Console.WriteLine($"== {cells} cells ok, {images} images displayed");
        if (write)
        {
            outputs.WriteInto(args[2]);
            Console.WriteLine($"== outputs written into {args[2]}");
        }
        return 0;
    }

    /// <summary>A composite kernel around one C# kernel, set up as Polyglot Notebooks sets it up.</summary>
    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((k, references) =>
            {
                k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers();
        return new CompositeKernel { csharp }.UseDefault(csharp);
    }

    private static CompositeKernel UseDefault(this CompositeKernel composite, Kernel kernel)
    {
        composite.DefaultKernelName = kernel.Name;
        return composite;
    }

    private static string Text(DisplayEvent e) => e.FormattedValues.FirstOrDefault()?.Value ?? "";

    /// <summary>Prints a displayed value; returns 1 when it is an image (PNG, directly or embedded in HTML).</summary>
    private static int Report(DisplayEvent e)
    {
        var png = e.FormattedValues.FirstOrDefault(v => v.MimeType == "image/png");
        var html = e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/html" && v.Value.Contains("data:image/png;base64,", StringComparison.Ordinal));
        if (png is not null || html is not null)
        {
            int bytes = png is not null ? png.Value.Length * 3 / 4 : EmbeddedPngBytes(html!.Value);
            Console.WriteLine($"[image/png {bytes} bytes]");
            return 1;
        }
        var plain = e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain") ?? e.FormattedValues.FirstOrDefault();
        if (plain is not null)
            Console.WriteLine(plain.Value);
        return 0;
    }

    private static int EmbeddedPngBytes(string html)
    {
        int start = html.IndexOf("data:image/png;base64,", StringComparison.Ordinal) + "data:image/png;base64,".Length;
        int end = html.IndexOfAny(new[] { '"', '\'' }, start);
        return Convert.FromBase64String(html[start..(end < 0 ? html.Length : end)]).Length;
    }
}
