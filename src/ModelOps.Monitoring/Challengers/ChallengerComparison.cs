using System.Globalization;
using ModelOps.Learning.Evaluation;

namespace ModelOps.Monitoring.Challengers;

/// <summary>
/// Champion against challenger on the same recent labelled rows: DeLong's test on their AUROCs, each log-loss and
/// business value (outcome value among the rows each flags at 0.5), and the verdict. The challenger wins when its
/// AUROC is higher by at least the margin, the difference is significant, and its log-loss is no worse.
/// </summary>
public sealed record ChallengerComparison(
    string Model,
    int ChampionVersion,
    int ChallengerVersion,
    int Rows,
    AurocComparison DeLong,
    double ChampionLogLoss,
    double ChallengerLogLoss,
    double? ChampionBusinessValue,
    double? ChallengerBusinessValue,
    bool ChallengerWins,
    IReadOnlyList<string> Reasons)
{
    /// <summary>Compares the two models' probabilities of the positive class for the same rows and outcomes.</summary>
    public static ChallengerComparison Compare(
        string model, int champion, int challenger, double[] championScores, double[] challengerScores, bool[] outcomes, double?[] values, MonitoringPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(championScores);
        ArgumentNullException.ThrowIfNull(challengerScores);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(policy);

        // A = challenger, B = champion: Difference is the challenger's gain.
        AurocComparison delong = DeLongTest.Compare(challengerScores, championScores, outcomes);
        double championLoss = BinaryClassificationReport.Evaluate(championScores, outcomes).LogLoss;
        double challengerLoss = BinaryClassificationReport.Evaluate(challengerScores, outcomes).LogLoss;
        bool anyValue = values.Any(v => v is not null);
        double? championValue = anyValue ? Value(championScores, values) : null;
        double? challengerValue = anyValue ? Value(challengerScores, values) : null;

        var reasons = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"AUROC challenger {delong.AurocA:F4} vs champion {delong.AurocB:F4} (gain {delong.Difference:+0.0000;-0.0000}, DeLong p = {delong.PValue:G3}, margin {policy.ChallengerMargin:F4}, α {policy.ChallengerAlpha})"),
            string.Create(CultureInfo.InvariantCulture, $"log-loss challenger {challengerLoss:F4} vs champion {championLoss:F4}"),
        };
        if (anyValue)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"business value challenger {challengerValue:F2} vs champion {championValue:F2}"));
        }

        bool wins = delong.Difference >= policy.ChallengerMargin && delong.IsSignificant(policy.ChallengerAlpha) && challengerLoss <= championLoss;
        return new ChallengerComparison(model, champion, challenger, outcomes.Length, delong, championLoss, challengerLoss, championValue, challengerValue, wins, reasons);
    }

    private static double Value(double[] scores, double?[] values)
    {
        double total = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= 0.5) total += values[i] ?? 0;
        }

        return total;
    }
}
