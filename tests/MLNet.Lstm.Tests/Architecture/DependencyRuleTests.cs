using System.Reflection;

namespace MLNet.Lstm.Tests.Architecture;

/// <summary>The dependency rules of docs/design.md ("Who may depend on whom"), checked on the built assemblies.</summary>
public class DependencyRuleTests
{
    private static readonly Assembly Transforms = typeof(SlidingWindowTransformer).Assembly;
    private static readonly Assembly Estimators = typeof(LstmForecastingTrainer).Assembly;

    [Fact]
    public void TransformsReferencesNoTorchSharpAssembly()
    {
        var references = Transforms.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Equal("MLNet.Lstm.Transforms", Transforms.GetName().Name);
        Assert.Contains("Microsoft.ML.OnnxRuntime", references);           // the check sees real references
        Assert.DoesNotContain(references, n => n.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("MLNet.Lstm.Estimators", references);
    }

    [Fact]
    public void EstimatorsBuildsOnTransforms()
    {
        var references = Estimators.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("MLNet.Lstm.Transforms", references);
        Assert.Contains("TorchSharp", references);
    }

    [Fact]
    public void NoTransformsTypeExposesATorchSharpType()
    {
        // A type from TorchSharp in a Transforms signature would make the prediction-time package need TorchSharp.
        var leaks = Transforms.GetTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Select(m => (t, m)))
            .Where(x => MemberTypes(x.m).Any(type => type.Assembly.GetName().Name?.StartsWith("TorchSharp", StringComparison.Ordinal) == true))
            .Select(x => $"{x.t.FullName}.{x.m.Name}")
            .ToArray();
        Assert.Empty(leaks);
    }

    private static IEnumerable<Type> MemberTypes(MemberInfo member) => member switch
    {
        FieldInfo f => new[] { f.FieldType },
        PropertyInfo p => new[] { p.PropertyType },
        MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType),
        ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
        _ => Array.Empty<Type>(),
    };
}
