using System.CommandLine;

namespace ModelOps.Cli;

/// <summary>
/// Options every command builds the same way, checked while parsing so a wrong value ends the command (exit 2)
/// before any work starts: input files that must exist (<c>-</c> reads standard input), output files whose
/// folder must exist, and <c>--quiet</c>.
/// </summary>
internal static class CliOptions
{
    /// <summary>Standard input, where a CSV option accepts it.</summary>
    public const string StandardInput = "-";

    /// <summary><c>--quiet</c>: nothing but results and errors.</summary>
    public static Option<bool> Quiet() => new("--quiet") { Description = "Print nothing but results and errors." };

    /// <summary>A file the command reads; <c>-</c> means standard input when <paramref name="stdin"/>.</summary>
    public static Option<string> InputFile(string name, string description, bool required = true, bool stdin = false)
    {
        var option = new Option<string>(name) { Description = description + (stdin ? " '-' reads standard input." : string.Empty), Required = required };
        option.Validators.Add(result =>
        {
            string? path = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (path is null || (stdin && path == StandardInput)) return;
            if (Directory.Exists(path)) result.AddError($"{name}: '{path}' is a folder; give a file.");
            else if (!File.Exists(path)) result.AddError($"{name}: file '{path}' does not exist.");
        });
        return option;
    }

    /// <summary>A file the command writes: its folder must exist and it must not be a folder.</summary>
    public static Option<string> OutputFile(string name, string description, bool required = true)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(result =>
        {
            string? path = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (path is null) return;
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (Directory.Exists(path)) result.AddError($"{name}: '{path}' is a folder; give a file name.");
            else if (folder is not null && !Directory.Exists(folder)) result.AddError($"{name}: the folder of '{path}' does not exist.");
        });
        return option;
    }

    /// <summary>A one-character field separator.</summary>
    public static Option<string> Separator()
    {
        var option = new Option<string>("--sep") { Description = "Field separator (one character).", DefaultValueFactory = _ => "," };
        option.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>() ?? ",";
            if (value.Length != 1) result.AddError($"--sep must be one character (got '{value}').");
        });
        return option;
    }

    /// <summary>Refuses standard input for more than one of <paramref name="options"/> (it can be read once).</summary>
    public static void StandardInputOnce(Command command, params Option<string>[] options) =>
        command.Validators.Add(result =>
        {
            string[] named = options.Where(o => result.GetValue(o) == StandardInput).Select(o => o.Name).ToArray();
            if (named.Length > 1) result.AddError($"{string.Join(" and ", named)} cannot both read standard input ('-').");
        });
}
