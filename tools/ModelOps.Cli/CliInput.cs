using System.Security.Cryptography;
using System.Text;

namespace ModelOps.Cli;

/// <summary>Opens the CSV a command reads: a file, or standard input for <c>-</c> (read once, then kept).</summary>
internal static class CliInput
{
    // Standard input can be read once; the text is kept for the reader it came from (a command may open it twice).
    private static (TextReader Source, string Text)? _standardInput;

    /// <summary>A reader over <paramref name="path"/> (standard input for <c>-</c>).</summary>
    public static TextReader OpenText(string path) =>
        path == CliOptions.StandardInput ? new StringReader(StandardInput()) : new StreamReader(path);

    /// <summary>SHA-256 (hex) of what <paramref name="path"/> holds, for lineage.</summary>
    public static string Sha256(string path) => Convert.ToHexStringLower(path == CliOptions.StandardInput
        ? SHA256.HashData(Encoding.UTF8.GetBytes(StandardInput()))
        : SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>How lineage names the input: the file name, or <c>stdin</c>.</summary>
    public static string Describe(string path) => path == CliOptions.StandardInput ? "stdin" : Path.GetFileName(path);

    private static string StandardInput()
    {
        TextReader source = Console.In;
        if (_standardInput is not { } kept || !ReferenceEquals(kept.Source, source))
        {
            kept = (source, source.ReadToEnd());
            _standardInput = kept;
        }

        return kept.Text;
    }
}
