using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Events;

namespace MLNet.Lstm.NotebookRunner;

/// <summary>
/// The outputs of the notebook's code cells in Jupyter's .ipynb form (<c>stream</c>, <c>display_data</c>,
/// <c>execute_result</c>), written into a copy of a notebook's JSON so that the notebook can be committed with what the
/// real kernel printed and displayed.
/// </summary>
internal sealed class NotebookOutputs
{
    private readonly List<JsonArray> _cells = new();
    private readonly Dictionary<string, JsonObject> _displayed = new(StringComparer.Ordinal);

    /// <summary>Starts the outputs of the next code cell.</summary>
    public void NextCell() => _cells.Add(new JsonArray());

    /// <summary>Text a cell wrote to standard output (consecutive writes merge into one stream output).</summary>
    public void Stream(string name, string text)
    {
        var outputs = _cells[^1];
        if (outputs.Count > 0 && outputs[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
            last["text"] = (string?)last["text"] + text;
        else
            outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
    }

    /// <summary>
    /// A displayed value (or the cell's return value), with every MIME type the kernel formatted it as; an update of a
    /// displayed value (e.g. the package restore's progress) replaces that value's output.
    /// </summary>
    public void Display(DisplayEvent e)
    {
        var data = new JsonObject();
        foreach (var value in e.FormattedValues)
            data[value.MimeType] = value.Value;
        if (e.ValueId is { } id && _displayed.TryGetValue(id, out var shown))
        {
            shown["data"] = data;
            return;
        }
        var output = e is ReturnValueProduced
            ? new JsonObject { ["output_type"] = "execute_result", ["data"] = data, ["execution_count"] = _cells.Count, ["metadata"] = new JsonObject() }
            : new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() };
        _cells[^1].Add(output);
        if (e.ValueId is { } valueId)
            _displayed[valueId] = output;
    }

    /// <summary>
    /// Writes <paramref name="notebookPath"/> with each code cell's outputs and execution count replaced by the ones
    /// recorded here (code cells in order), through a temporary file renamed over it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The notebook has a different number of code cells than were run.</exception>
    public void WriteInto(string notebookPath)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(notebookPath))!.AsObject();
        var codeCells = notebook["cells"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["cell_type"] == "code").ToArray();
        if (codeCells.Length != _cells.Count)
        {
            throw new InvalidOperationException(
                $"'{notebookPath}' has {codeCells.Length} code cells but {_cells.Count} were run; write the outputs into the notebook that was run.");
        }
        for (int i = 0; i < codeCells.Length; i++)
        {
            codeCells[i]["execution_count"] = i + 1;
            codeCells[i]["outputs"] = _cells[i].DeepClone();
        }
        string temporary = notebookPath + ".tmp";
        File.WriteAllText(temporary, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        File.Move(temporary, notebookPath, overwrite: true);
    }
}
