using System.Globalization;
using System.Text.Json;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Typed access to a saved graph's <c>mlnet_lstm.*</c> metadata. Every missing or malformed value is an
/// <see cref="InvalidDataException"/> that names the file, the zip entry, the key and what is wrong.
/// </summary>
internal sealed class SavedGraphMetadata
{
    /// <summary>The key naming the component that wrote the graph.</summary>
    public const string FormatKey = "mlnet_lstm.format";

    /// <summary>The key of the graph format's version.</summary>
    public const string VersionKey = "mlnet_lstm.version";

    private readonly IReadOnlyDictionary<string, string> _values;

    public SavedGraphMetadata(IReadOnlyDictionary<string, string> values, string where)
    {
        _values = values;
        Where = where;
    }

    /// <summary>How messages name the graph: <c>entry '...' of model '...'</c>.</summary>
    public string Where { get; }

    /// <summary>The component that wrote the graph (<c>mlnet_lstm.format</c>), or null for a graph not written by MLNet.Lstm.</summary>
    public string? Format => _values.TryGetValue(FormatKey, out var f) ? f : null;

    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>
    /// Checks the graph's format version: versions 1 to <paramref name="newest"/> are read (every version of our
    /// formats so far keeps the same metadata, inputs and outputs; a newer version changes only what the graph computes:
    /// a rebuilt window transform computes as this library does, a rebuilt LSTM scores its graph as saved), a later
    /// version is refused.
    /// </summary>
    /// <returns>The graph's version.</returns>
    public int RequireVersion(int newest)
    {
        string text = String(VersionKey);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1 || version > newest)
        {
            throw Error($"has format version '{text}' ({VersionKey}); this library reads versions 1 to {newest}. " +
                "Load it with the MLNet.Lstm version that saved it, or save the model again with this one");
        }
        return version;
    }

    public string String(string key)
    {
        if (!_values.TryGetValue(key, out var value))
            throw Error($"has no metadata entry '{key}'");
        if (value.Length == 0)
            throw Error($"has an empty metadata entry '{key}'");
        return value;
    }

    public string? OptionalString(string key) => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    public int Int(string key, int minimum)
    {
        string text = String(key);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw Error($"has metadata '{key}' = '{text}', which is not an integer of at least {minimum}");
        return value;
    }

    public bool Bool(string key)
    {
        string text = String(key);
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error($"has metadata '{key}' = '{text}'; expected true or false"),
        };
    }

    /// <summary>A JSON array of non-empty strings.</summary>
    public string[] StringArray(string key)
    {
        string text = String(key);
        string[]? values;
        try
        {
            values = JsonSerializer.Deserialize<string[]>(text);
        }
        catch (JsonException)
        {
            values = null;
        }
        if (values is null || values.Length == 0 || values.Any(string.IsNullOrEmpty))
            throw Error($"has metadata '{key}' = '{text}'; expected a JSON array of column names");
        return values;
    }

    /// <summary>A comma-separated list of positive integers.</summary>
    public int[] IntList(string key)
    {
        string text = String(key);
        var parts = text.Split(',');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                throw Error($"has metadata '{key}' = '{text}'; expected comma-separated positive integers");
        }
        return values;
    }

    /// <summary>An error about this graph: "The {format} graph in {where} {what}. {fix}".</summary>
    public InvalidDataException Error(string what) => new(
        $"The {Format ?? "ONNX"} graph in {Where} {what}. The file is damaged, was edited, or was not written by this version of " +
        "MLNet.Lstm: restore it from a good copy, or save the model again from the fitted chain (mlContext.Model.Save).");
}
