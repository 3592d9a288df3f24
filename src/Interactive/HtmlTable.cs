using System.Net;
using System.Text;

namespace MLNet.Lstm.Interactive;

/// <summary>A small HTML table: an optional caption, a header row, and rows of cells (text is HTML-encoded; cells after the first are right-aligned).</summary>
internal sealed class HtmlTable
{
    private readonly string[] _header;
    private readonly List<string[]> _rows = new();

    public HtmlTable(string? caption, params string[] header)
    {
        Caption = caption;
        _header = header;
    }

    public string? Caption { get; }

    public HtmlTable Row(params string[] cells)
    {
        if (cells.Length != _header.Length)
            throw new ArgumentException($"A row of {cells.Length} cells does not fit a table of {_header.Length} columns.", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<table class=\"mlnet-lstm\">");
        if (Caption is not null)
            sb.Append("<caption>").Append(WebUtility.HtmlEncode(Caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var h in _header)
            sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < row.Length; i++)
                sb.Append(i == 0 ? "<td>" : "<td style=\"text-align:right\">").Append(WebUtility.HtmlEncode(row[i])).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }
}
