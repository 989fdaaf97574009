using ModelOps.Learning.Explanations;
using ModelOps.Learning.Tests.Evaluation;
using ModelOps.Learning.Trainers;

namespace ModelOps.Learning.Tests.Explanations;

public sealed class ReasonCodesTests
{
    [Fact]
    public void Glm_contributions_plus_base_value_equal_the_linear_predictor()
    {
        var model = new LogisticModel(-0.5, [0.7, 0, -1.2], 0, 1);
        double[] x = [1.5, 3, -0.25];
        double[] means = [0.2, 0.1, -0.3];

        (double baseValue, double[] phi) = ReasonCodes.Linear(model, x, means);

        double eta = -0.5 + (0.7 * 1.5) + (-1.2 * -0.25);
        (baseValue + phi.Sum()).Should().BeApproximately(eta, 1e-12);
        phi[1].Should().Be(0);
    }

    [Fact]
    public void Top_reasons_name_raw_columns_and_sum_their_one_hot_slots()
    {
        TelcoOracle oracle = TelcoOracle.Load();
        string[] columns = oracle.Expected.GetProperty("features").GetProperty("names").EnumerateArray()
            .Select(e => e.GetString()!.Split('=')[0]).ToArray();
        double[] phi = new double[columns.Length];
        phi[Array.IndexOf(columns, "Contract")] = 0.4;
        phi[Array.IndexOf(columns, "Contract") + 1] = 0.3;
        phi[Array.IndexOf(columns, "tenure")] = -0.6;
        phi[Array.IndexOf(columns, "gender")] = 0.1;

        IReadOnlyList<Reason> top = ReasonCodes.Top(phi, columns, 2);

        top.Select(r => r.Column).Should().Equal("Contract", "tenure");
        top[0].Contribution.Should().BeApproximately(0.7, 1e-12);
    }
}
