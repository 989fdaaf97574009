using ModelOps.Testing;

namespace ModelOps.Onnx.Tests;

/// <summary>The ONNX backend node tests: every case of a claimed operator must pass.</summary>
public sealed class ConformanceTests
{
    public static TheoryData<string> MlCases()
    {
        var data = new TheoryData<string>();
        foreach (string folder in ConformanceRunner.FindCases([Path.Combine(RepositoryLayout.SharedData, "onnx_node_tests", "ai_onnx_ml")]))
        {
            data.Add(Path.GetFileName(folder));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MlCases))]
    public void Ai_onnx_ml_case_passes(string name)
    {
        string folder = Path.Combine(RepositoryLayout.SharedData, "onnx_node_tests", "ai_onnx_ml", name);

        ConformanceResult result = ConformanceRunner.RunCase(folder);

        result.Status.Should().Be(ConformanceStatus.Pass, result.ToString());
    }

    [Fact]
    public void All_eight_ai_onnx_ml_cases_are_found() =>
        MlCases().Should().HaveCount(8);
}
