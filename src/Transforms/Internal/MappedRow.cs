using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// A row, or a cursor, over an input row or cursor at the same position: the input's columns pass through except
/// those the subclass serves (<see cref="Serves"/>: by default the columns after the input's), for which
/// <see cref="MakeGetter"/> makes the getters. Disposing it disposes the input (the contract of
/// <c>IRowToRowMapper.GetRow</c>, and a cursor owns the cursor it wraps).
/// </summary>
internal abstract class MappedRow : DataViewRowCursor
{
    private readonly bool[] _active;
    private bool _disposed;

    protected MappedRow(DataViewRow input, DataViewSchema schema, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        Input = input;
        Schema = schema;
        InputColumnCount = input.Schema.Count;
        _active = CursorPlumbing.ActiveFlags(schema.Count, activeColumns);
    }

    /// <summary>The row or cursor this one maps.</summary>
    protected DataViewRow Input { get; }

    /// <summary>The number of the input's columns (the first columns of <see cref="Schema"/>).</summary>
    protected int InputColumnCount { get; }

    /// <summary>The component named in error messages.</summary>
    protected abstract string Component { get; }

    public override DataViewSchema Schema { get; }

    public override long Position => Input.Position;

    public override long Batch => Input.Batch;

    public override bool MoveNext() => Input is DataViewRowCursor cursor
        ? cursor.MoveNext()
        : throw new InvalidOperationException($"{Component}: a mapped row cannot move; move the input cursor instead.");

    public override ValueGetter<DataViewRowId> GetIdGetter() => Input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        Serves(column.Index) ? _active[column.Index] : Input.IsColumnActive(Input.Schema[column.Index]);

    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!Serves(column.Index))
            return Input.GetGetter<TValue>(Input.Schema[column.Index]);
        if (!_active[column.Index])
            throw CursorPlumbing.NotRequested(column, Component);
        return CursorPlumbing.Typed<TValue>(MakeGetter(column), column, Component);
    }

    /// <summary>Whether this row serves column <paramref name="index"/> itself (rather than the input).</summary>
    protected virtual bool Serves(int index) => index >= InputColumnCount;

    /// <summary>A typed getter (<c>ValueGetter&lt;T&gt;</c>) for a column this row serves.</summary>
    protected abstract Delegate MakeGetter(DataViewSchema.Column column);

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
            return;
        if (disposing)
            Input.Dispose();
        _disposed = true;
        base.Dispose(disposing);
    }
}
