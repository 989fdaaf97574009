using System.Globalization;
using System.Text;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Pipelines;
using static ModelOps.Reports.Markup;

namespace ModelOps.Reports;

/// <summary>A series of one chart: its name, colour and points in data units.</summary>
internal sealed record Series(string Name, string Colour, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Charts as inline SVG, drawn here rather than by a plotting library so the page needs nothing but the HTML:
/// ROC curves, cumulative gain (lift), calibration, and feature importance bars. Every chart has a title, axes
/// with ticks, and a legend; text is encoded.
/// </summary>
internal static class SvgCharts
{
    public const string ChallengerColour = "#0063b1";
    public const string ChampionColour = "#e36c09";
    private const int Width = 340, Height = 300, Left = 48, Right = 12, Top = 28, Bottom = 40;

    /// <summary>ROC curves of challenger and champion with the chance diagonal.</summary>
    public static string Roc(IReadOnlyList<(string Name, string Colour, BinaryClassificationReport Report)> models) =>
        UnitChart("roc", "ROC curve", "False-positive rate", "True-positive rate",
            models.Select(m => new Series($"{m.Name} (AUROC {N(m.Report.Auroc)})", m.Colour, m.Report.Roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)).ToArray())).ToArray(),
            diagonal: true, markers: false);

    /// <summary>Cumulative gain by decile: the share of positives found in the top x of rows, with the random baseline.</summary>
    public static string Lift(IReadOnlyList<(string Name, string Colour, BinaryClassificationReport Report)> models) =>
        UnitChart("lift", "Cumulative gain (lift)", "Share of rows, highest scores first", "Share of positives found",
            models.Select(m => new Series($"{m.Name} (top-10 % lift {m.Report.LiftTop10Percent.ToString("0.00", CultureInfo.InvariantCulture)})", m.Colour,
                new[] { (0.0, 0.0) }.Concat(m.Report.Deciles.Select(d => (d.Decile / 10.0, d.CumulativeGain))).ToArray())).ToArray(),
            diagonal: true, markers: true);

    /// <summary>Observed rate against mean predicted probability per bin; the diagonal is perfect calibration.</summary>
    public static string Calibration(IReadOnlyList<(string Name, string Colour, BinaryClassificationReport Report)> models) =>
        UnitChart("calibration", "Calibration", "Mean predicted probability", "Observed positive rate",
            models.Select(m => new Series($"{m.Name} (Brier {N(m.Report.Brier)})", m.Colour,
                m.Report.Calibration.Where(b => b.Rows > 0).Select(b => (b.MeanPredicted, b.ObservedRate)).ToArray())).ToArray(),
            diagonal: true, markers: true);

    /// <summary>Horizontal bars of the top features' importance, scaled to the largest.</summary>
    public static string Features(IReadOnlyList<FeatureImportance> features, string method)
    {
        const int rowHeight = 22, labelWidth = 220, barWidth = 360;
        int height = Top + (features.Count * rowHeight) + 28;
        double max = features.Count == 0 ? 1 : Math.Max(features.Max(f => f.Importance), double.Epsilon);
        var svg = Open("features", "Top features", labelWidth + barWidth + 90, height);
        for (int i = 0; i < features.Count; i++)
        {
            double y = Top + (i * rowHeight);
            double w = features[i].Importance / max * barWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(labelWidth - 6)}\" y=\"{C(y + 15)}\" text-anchor=\"end\" font-size=\"12\">{E(features[i].Feature)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{C(labelWidth)}\" y=\"{C(y + 3)}\" width=\"{C(Math.Max(w, 1))}\" height=\"{C(rowHeight - 6)}\" fill=\"{ChallengerColour}\"><title>{E(features[i].Feature)}: {N(features[i].Importance)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(labelWidth + w + 6)}\" y=\"{C(y + 15)}\" font-size=\"11\" fill=\"#444\">{N(features[i].Importance)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(labelWidth)}\" y=\"{C(height - 8)}\" font-size=\"11\" fill=\"#666\">importance: {E(method)}</text>");
        return svg.Append("</svg>").ToString();
    }

    private static string UnitChart(string id, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool diagonal, bool markers)
    {
        var svg = Open(id, title, Width, Height + (series.Count * 16));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double v) => Left + (Math.Clamp(v, 0, 1) * plotW);
        double Y(double v) => Top + plotH - (Math.Clamp(v, 0, 1) * plotH);
        for (int t = 0; t <= 5; t++)
        {
            double v = t / 5.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{C(X(v))}\" y1=\"{C(Y(0))}\" x2=\"{C(X(v))}\" y2=\"{C(Y(1))}\" stroke=\"#eee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{C(X(0))}\" y1=\"{C(Y(v))}\" x2=\"{C(X(1))}\" y2=\"{C(Y(v))}\" stroke=\"#eee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(X(v))}\" y=\"{C(Y(0) + 14)}\" text-anchor=\"middle\" font-size=\"10\">{v:0.0}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(X(0) - 4)}\" y=\"{C(Y(v) + 3)}\" text-anchor=\"end\" font-size=\"10\">{v:0.0}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{C(X(0))}\" y=\"{C(Y(1))}\" width=\"{C(plotW)}\" height=\"{C(plotH)}\" fill=\"none\" stroke=\"#999\"/>");
        if (diagonal)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{C(X(0))}\" y1=\"{C(Y(0))}\" x2=\"{C(X(1))}\" y2=\"{C(Y(1))}\" stroke=\"#aaa\" stroke-dasharray=\"4 3\"/>");
        }

        foreach (Series s in series)
        {
            if (s.Points.Count == 0) continue;
            string points = string.Join(" ", s.Points.Select(p => $"{C(X(p.X))},{C(Y(p.Y))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\" points=\"{points}\"><title>{E(s.Name)}</title></polyline>");
            if (markers)
            {
                foreach ((double x, double y) in s.Points)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{C(X(x))}\" cy=\"{C(Y(y))}\" r=\"2.5\" fill=\"{s.Colour}\"/>");
                }
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(Left + (plotW / 2))}\" y=\"{C(Height - 8)}\" text-anchor=\"middle\" font-size=\"11\">{E(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(12 {C(Top + (plotH / 2))}) rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">{E(yLabel)}</text>");
        for (int i = 0; i < series.Count; i++)
        {
            double y = Height + (i * 16) + 4;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{C(Left)}\" y=\"{C(y - 9)}\" width=\"10\" height=\"10\" fill=\"{series[i].Colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{C(Left + 16)}\" y=\"{C(y)}\" font-size=\"11\">{E(series[i].Name)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string id, string title, int width, int height) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-{id}\" role=\"img\" aria-label=\"{E(title)}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{C(width / 2.0)}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\">{E(title)}</text>");
}
