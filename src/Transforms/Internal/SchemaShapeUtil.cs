using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>Helpers between <see cref="SchemaShape"/> and <see cref="DataViewSchema"/>, and a schema-only data view.</summary>
internal static class SchemaShapeUtil
{
    /// <summary>
    /// A <see cref="DataViewSchema"/> with the shape's columns. A fixed-size vector whose size the shape does not
    /// tell becomes a vector of size 1 (so that it stays "fixed size" when converted back); annotations are dropped.
    /// </summary>
    public static DataViewSchema ToSchema(SchemaShape shape)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in shape)
        {
            DataViewType type = column.Kind switch
            {
                SchemaShape.Column.VectorKind.Scalar => column.ItemType,
                SchemaShape.Column.VectorKind.Vector => new VectorDataViewType((PrimitiveDataViewType)column.ItemType, 1),
                _ => new VectorDataViewType((PrimitiveDataViewType)column.ItemType),
            };
            builder.AddColumn(column.Name, type);
        }
        return builder.ToSchema();
    }

    /// <summary>Finds a column of a shape by name.</summary>
    public static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>
    /// The input shape plus columns of the given types (a later column replaces an input column of the same name).
    /// <c>SchemaShape.Column</c> has no public constructor, so the columns are made by the public schema propagation
    /// of <c>CustomMapping</c> with an output <see cref="SchemaDefinition"/> of the wanted names and types.
    /// Types: <c>Single</c> or <c>Vector&lt;Single&gt;</c>.
    /// </summary>
    public static SchemaShape Append(SchemaShape input, params (string Name, DataViewType Type)[] columns)
    {
        var definition = SchemaDefinition.Create(typeof(ShapeColumns));
        var used = new List<SchemaDefinition.Column>();
        int scalars = 0, vectors = 0;
        foreach (var (name, type) in columns)
        {
            string member = type is VectorDataViewType ? $"V{vectors++}" : $"S{scalars++}";
            var column = definition.Single(c => c.MemberName == member);
            column.ColumnName = name;
            column.ColumnType = type;
            used.Add(column);
        }
        definition.RemoveAll(c => !used.Contains(c));
        var estimator = new MLContext().Transforms.CustomMapping<NoColumns, ShapeColumns>(
            (_, _) => { }, contractName: null, inputSchemaDefinition: null, outputSchemaDefinition: definition);
        return estimator.GetOutputSchema(input);
    }

    private sealed class NoColumns
    {
    }

    private sealed class ShapeColumns
    {
#pragma warning disable CS0649 // assigned by ML.NET's schema machinery only
        public float S0, S1, S2, S3;
        public float[]? V0, V1, V2, V3;
#pragma warning restore CS0649
    }
}
