using System.Globalization;
using System.Net;
using System.Text;

namespace SafeChat.Cli;

/// <summary>
/// Small, dependency-free inline SVG charts for the HTML report: line charts (precision–recall curves) and bar charts
/// (histograms). Each chart is one <c>&lt;svg class="plot"&gt;</c> with axes, ticks, a title and a legend.
/// </summary>
internal static class SvgPlot
{
    public const int Width = 420;
    public const int Height = 300;
    private const int Left = 52, Right = 16, Top = 50, Bottom = 44;

    /// <summary>The series colours (colour-blind friendly).</summary>
    public static IReadOnlyList<string> Colours { get; } = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];

    /// <summary>A named series of points, drawn in <paramref name="Colour"/>; <paramref name="Marker"/> marks one point (an operating point).</summary>
    internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, string Colour, (double X, double Y)? Marker = null);

    /// <summary>A named series of bar heights over equal-width bins, drawn in <paramref name="Colour"/>.</summary>
    internal sealed record Bars(string Name, IReadOnlyList<double> Heights, string Colour);

    public static string Lines(string id, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, double xMax = 1, double yMax = 1)
    {
        var svg = Open(id, title, xLabel, yLabel, 0, xMax, 0, yMax);
        foreach (var s in series)
        {
            if (s.Points.Count > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
                svg.Append(string.Join(' ', s.Points.Select(p => Point(X(p.X, xMax), Y(p.Y, yMax)))));
                svg.Append("\"/>");
            }

            if (s.Marker is { } m)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(m.X, xMax):0.#}\" cy=\"{Y(m.Y, yMax):0.#}\" r=\"5.5\" fill=\"{s.Colour}\" stroke=\"#222\" stroke-width=\"1.5\"><title>{Escape(s.Name)}: operating point</title></circle>");
            }
        }

        return Close(svg, series.Select(s => (s.Name, s.Colour)).ToArray());
    }

    public static string Histogram(string id, string title, string xLabel, string yLabel, double xMin, double xMax, IReadOnlyList<Bars> bars, IReadOnlyList<string>? binLabels = null)
    {
        var bins = bars.Count == 0 ? 0 : bars.Max(b => b.Heights.Count);
        var yMax = Math.Max(5, bars.SelectMany(b => b.Heights).DefaultIfEmpty(0).Max());
        yMax = NiceCeiling(yMax);
        var svg = Open(id, title, xLabel, yLabel, xMin, xMax, 0, yMax, binLabels);
        var plotWidth = Width - Left - Right;
        var slot = bins == 0 ? 0 : (double)plotWidth / bins;
        var barWidth = bars.Count == 0 ? 0 : slot * 0.8 / bars.Count;
        for (var series = 0; series < bars.Count; series++)
        {
            for (var bin = 0; bin < bars[series].Heights.Count; bin++)
            {
                var value = bars[series].Heights[bin];
                if (value <= 0)
                {
                    continue;
                }

                var x = Left + bin * slot + slot * 0.1 + series * barWidth;
                var y = Y(value, yMax);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barWidth:0.##}\" height=\"{Top + PlotHeight - y:0.##}\" fill=\"{bars[series].Colour}\"><title>{Escape(bars[series].Name)}: {value:0.##}</title></rect>");
            }
        }

        return Close(svg, bars.Select(b => (b.Name, b.Colour)).ToArray());
    }

    private static int PlotHeight => Height - Top - Bottom;

    private static double X(double value, double max) => Left + value / max * (Width - Left - Right);

    private static double Y(double value, double max) => Top + PlotHeight - value / max * PlotHeight;

    private static string Point(double x, double y) => string.Create(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#}");

    private static StringBuilder Open(string id, string title, string xLabel, string yLabel, double xMin, double xMax, double yMin, double yMax, IReadOnlyList<string>? binLabels = null)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"plot\" id=\"{Escape(id)}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">{Escape(title)}</text>");
        var plotWidth = Width - Left - Right;
        for (var i = 0; i <= 5; i++)
        {
            var fy = Top + PlotHeight - i / 5.0 * PlotHeight;
            var yValue = yMin + (yMax - yMin) * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{fy:0.#}\" y2=\"{fy:0.#}\" stroke=\"#e4e4e4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{fy + 4:0.#}\" text-anchor=\"end\" font-size=\"11\">{Tick(yValue)}</text>");
        }

        if (binLabels is null)
        {
            for (var i = 0; i <= 5; i++)
            {
                var fx = Left + i / 5.0 * plotWidth;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{fx:0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\" font-size=\"11\">{Tick(xMin + (xMax - xMin) * i / 5)}</text>");
            }
        }
        else
        {
            var slot = (double)plotWidth / Math.Max(1, binLabels.Count);
            var every = Math.Max(1, (int)Math.Ceiling(binLabels.Count / 10.0));
            for (var i = 0; i < binLabels.Count; i += every)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (i + 0.5) * slot:0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\" font-size=\"11\">{Escape(binLabels[i])}</text>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"12\">{Escape(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + PlotHeight / 2}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 {Top + PlotHeight / 2})\">{Escape(yLabel)}</text>");
        return svg;
    }

    private static string Close(StringBuilder svg, IReadOnlyList<(string Name, string Colour)> legend)
    {
        var x = Left + 8;
        foreach (var (name, colour) in legend)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{Top - 22}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 16}\" y=\"{Top - 12}\" font-size=\"11\">{Escape(name)}</text>");
            x += 28 + name.Length * 7;
        }

        return svg.Append("</svg>").ToString();
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return value;
    }

    private static string Tick(double value) => value.ToString(Math.Abs(value - Math.Round(value)) < 1e-9 ? "0" : "0.0#", CultureInfo.InvariantCulture);

    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
