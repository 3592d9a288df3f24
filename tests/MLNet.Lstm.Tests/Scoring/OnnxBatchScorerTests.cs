using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Scoring;
using Xunit.Abstractions;

namespace MLNet.Lstm.Tests.Scoring;

public class OnnxBatchScorerTests
{
    private const int T = 10, F = 2, H = 16;
    private static readonly byte[] Model = LstmTestGraph.Build(T, F, H);
    private readonly ITestOutputHelper _log;

    public OnnxBatchScorerTests(ITestOutputHelper log) => _log = log;

    public sealed class Row
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = Array.Empty<float>();
        public int Id { get; set; }
        public long Ticks { get; set; }
        public double Price { get; set; }
        public float Open { get; set; }
        public bool Flag { get; set; }
        public string Name { get; set; } = "";
        public DateTime When { get; set; }
        [VectorType(3)]
        public float[] Extra { get; set; } = Array.Empty<float>();
    }

    public sealed class Scored
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = Array.Empty<float>();
        public int Id { get; set; }
        public long Ticks { get; set; }
        public double Price { get; set; }
        public float Open { get; set; }
        public bool Flag { get; set; }
        public string Name { get; set; } = "";
        public DateTime When { get; set; }
        [VectorType(3)]
        public float[] Extra { get; set; } = Array.Empty<float>();
        public float Score { get; set; }
        [VectorType(H)]
        public float[] Hidden { get; set; } = Array.Empty<float>();
    }

    private static Row[] MakeRows(int n)
    {
        var windows = LstmTestGraph.RandomWindows(n, T, F, seed: n + 1);
        return Enumerable.Range(0, n).Select(i => new Row
        {
            Window = windows.AsSpan(i * T * F, T * F).ToArray(),
            Id = i,
            Ticks = 1_000_000_000_000L + i,
            Price = i * 0.5,
            Open = i * 0.25f,
            Flag = i % 3 == 0,
            Name = $"row{i}",
            When = new DateTime(2020, 1, 1).AddMinutes(i),
            Extra = new[] { i, -i, i * 2f },
        }).ToArray();
    }

    private static BatchScorerOptions Options(int batchSize = 1024) => new()
    {
        InputColumnNames = new[] { "Window" },
        GraphOutputNames = new[] { "Score", "Hidden" },
        BatchSize = batchSize,
        IntraOpNumThreads = 1,
    };

    /// <summary>Score and Hidden per row from stock ApplyOnnxModel (row by row inside ML.NET).</summary>
    private static (float[] Score, float[][] Hidden) Stock(MLContext ml, IDataView data)
    {
        using var stream = new MemoryStream(Model);
        var scored = ml.Transforms.ApplyOnnxModel(new[] { "Score", "Hidden" }, new[] { "Window" }, stream).Fit(data).Transform(data);
        var scores = new List<float>();
        var hidden = new List<float[]>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var scoreColumn = scored.Schema["Score"];
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        var hiddenGetter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Hidden"]);
        VBuffer<float> s = default, h = default;
        while (cursor.MoveNext())
        {
            scoreGetter(ref s);
            hiddenGetter(ref h);
            Assert.Equal(1, s.Length);
            scores.Add(s.GetValues()[0]);
            hidden.Add(h.DenseValues().ToArray());
        }
        return (scores.ToArray(), hidden.ToArray());
    }

    [Theory]
    [InlineData(2500, 1024)] // two full batches and a partial one
    [InlineData(1, 1024)]
    [InlineData(0, 1024)]
    [InlineData(23, 7)]      // several batches, partial last
    [InlineData(14, 7)]      // exact multiple
    public void MatchesStockApplyOnnxModelAndPassesColumnsThrough(int rows, int batchSize)
    {
        var ml = new MLContext(seed: 1);
        var input = MakeRows(rows);
        var data = ml.Data.LoadFromEnumerable(input);
        var (stockScore, stockHidden) = Stock(ml, data);

        using var scorer = new OnnxBatchScorer(Model, Options(batchSize));
        var view = scorer.Transform(data);
        Assert.Equal(NumberDataViewType.Single, view.Schema["Score"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, H), view.Schema["Hidden"].Type);
        var ours = ml.Data.CreateEnumerable<Scored>(view, reuseRowObject: false).ToArray();

        Assert.Equal(rows, ours.Length);
        Assert.Equal(rows, stockScore.Length);
        double maxDiff = 0;
        for (int i = 0; i < rows; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(ours[i].Score - stockScore[i]));
            for (int j = 0; j < H; j++)
                maxDiff = Math.Max(maxDiff, Math.Abs(ours[i].Hidden[j] - stockHidden[i][j]));

            var x = input[i];
            var y = ours[i];
            Assert.Equal(x.Window, y.Window);
            Assert.Equal(x.Id, y.Id);
            Assert.Equal(x.Ticks, y.Ticks);
            Assert.Equal(x.Price, y.Price);
            Assert.Equal(x.Open, y.Open);
            Assert.Equal(x.Flag, y.Flag);
            Assert.Equal(x.Name, y.Name);
            Assert.Equal(x.When, y.When);
            Assert.Equal(x.Extra, y.Extra);
        }
        _log.WriteLine($"rows {rows}, batch {batchSize}: max |batched - stock| = {maxDiff:G3}");
        Assert.True(maxDiff <= 1e-6, $"max difference {maxDiff}");
    }

    [Fact]
    public void CursorReportsPositionIdsAndActiveColumnsRowByRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeRows(17));
        using var scorer = new OnnxBatchScorer(Model, Options(batchSize: 5));
        var view = scorer.Transform(data);
        Assert.Equal(17, view.GetRowCount());

        var inputIds = new List<DataViewRowId>();
        using (var c = data.GetRowCursor(Array.Empty<DataViewSchema.Column>()))
        {
            var id = c.GetIdGetter();
            DataViewRowId v = default;
            while (c.MoveNext())
            {
                id(ref v);
                inputIds.Add(v);
            }
        }

        var score = view.Schema["Score"];
        var name = view.Schema["Name"];
        using var cursor = view.GetRowCursor(new[] { score, name });
        Assert.Equal(-1, cursor.Position);
        Assert.True(cursor.IsColumnActive(score));
        Assert.True(cursor.IsColumnActive(name));
        Assert.True(cursor.IsColumnActive(view.Schema["Window"]) == false);
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<int>(view.Schema["Id"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(score));

        var scoreGetter = cursor.GetGetter<float>(score);
        var nameGetter = cursor.GetGetter<ReadOnlyMemory<char>>(name);
        var idGetter = cursor.GetIdGetter();
        float s = 0;
        Assert.Throws<InvalidOperationException>(() => scoreGetter(ref s));
        int n = 0;
        ReadOnlyMemory<char> text = default;
        DataViewRowId rowId = default;
        while (cursor.MoveNext())
        {
            Assert.Equal(n, cursor.Position);
            Assert.Equal(0, cursor.Batch);
            nameGetter(ref text);
            Assert.Equal($"row{n}", text.ToString());
            idGetter(ref rowId);
            Assert.Equal(inputIds[n], rowId);
            scoreGetter(ref s);
            Assert.True(float.IsFinite(s));
            n++;
        }
        Assert.Equal(17, n);
        Assert.False(cursor.MoveNext());
        Assert.Throws<InvalidOperationException>(() => scoreGetter(ref s));
    }

    [Fact]
    public void PassThroughOnlyCursorDoesNotNeedTheModelInputs()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeRows(3));
        using var scorer = new OnnxBatchScorer(Model, Options());
        var view = scorer.Transform(data);
        var ids = view.GetColumn<int>("Id").ToArray();
        Assert.Equal(new[] { 0, 1, 2 }, ids);
    }

    [Fact]
    public void PredictionEngineMatchesStockAndBatched()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeRows(40);
        var data = ml.Data.LoadFromEnumerable(rows);
        var (stockScore, stockHidden) = Stock(ml, data);
        using var transformer = new OnnxBatchScoringTransformer(new OnnxBatchScorer(Model, Options()));
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(transformer, data.Schema);
        for (int i = 0; i < rows.Length; i++)
        {
            var p = engine.Predict(rows[i]);
            Assert.True(Math.Abs(p.Score - stockScore[i]) <= 1e-6);
            for (int j = 0; j < H; j++)
                Assert.True(Math.Abs(p.Hidden[j] - stockHidden[i][j]) <= 1e-6);
            Assert.Equal(rows[i].Name, p.Name);
        }
    }

    [Fact]
    public void WrongInputColumnsAreRejected()
    {
        var ml = new MLContext(seed: 1);
        using var scorer = new OnnxBatchScorer(Model, Options());
        var noWindow = ml.Data.LoadFromEnumerable(new[] { new { Other = 1f } });
        var e = Assert.Throws<ArgumentException>(() => scorer.Transform(noWindow));
        Assert.Contains("'Window'", e.Message);
        Assert.Throws<ArgumentException>(() => new OnnxBatchScorer(Model, new BatchScorerOptions
        {
            InputColumnNames = new[] { "Window" },
            GraphOutputNames = new[] { "Nope" },
        }));
    }
}
