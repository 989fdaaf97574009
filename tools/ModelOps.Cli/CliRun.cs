using System.Text.Json;
using System.Text.RegularExpressions;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;

namespace ModelOps.Cli;

/// <summary>
/// The one error boundary of every command, and the exit codes it ends with (README "Exit codes"):
/// <see cref="Ok"/>, <see cref="Failed"/> (the work could not be done: data, spec, model, storage),
/// <see cref="Usage"/> (the command line is wrong: unknown or missing option, a value of the wrong form, a file
/// that does not exist, a field the registry refuses), <see cref="CheckFailed"/> (the command ran and its check
/// said no: drift found with <c>--fail-on-drift</c>, a broken audit chain, failed conformance cases).
/// Messages name the option, file, column or field in the user's words, never a .NET type or parameter name.
/// </summary>
internal static partial class CliRun
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int CheckFailed = 3;
    public const int Cancelled = 130;

    public static Task<int> Guarded(string command, Func<int> body) => GuardedAsync(command, () => Task.FromResult(body()));

    public static async Task<int> GuardedAsync(string command, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliUsageException e)
        {
            return Fail(command, e.Message, Usage);
        }
        catch (InvalidRegistryRequestException e)
        {
            return Fail(command, $"{e.Field}: {e.Message}", Usage);
        }
        catch (Registry.InvalidModelException e)
        {
            return Fail(command, "artifact: " + string.Join(" ", e.Reasons), Failed);
        }
        catch (ChampionWithoutMetricsException e)
        {
            return Fail(command, e.Message + " (--force)", Failed);
        }
        catch (OperationCanceledException)
        {
            return Fail(command, "cancelled", Cancelled);
        }
        catch (FileNotFoundException e)
        {
            return Fail(command, $"file '{e.FileName}' does not exist", Failed);
        }
        catch (DirectoryNotFoundException)
        {
            return Fail(command, "a folder on the given path does not exist", Failed);
        }
        catch (Azure.RequestFailedException e)
        {
            // The SDK's message carries request headers; the status and error code say what went wrong.
            return Fail(command, $"storage answered {e.Status} {e.ErrorCode}".TrimEnd() + (e.Status == 0 ? " (is the storage account reachable? see --connection)" : string.Empty), Failed);
        }
        catch (Exception e) when (e is InvalidPipelineSpecException or InvalidDatasetException or Onnx.InvalidModelException or Onnx.ModelInputException
            or RegistryException or JsonException or InvalidDataException or UnauthorizedAccessException or IOException or FormatException or InvalidOperationException)
        {
            return Fail(command, Plain(e.Message), Failed);
        }
    }

    /// <summary>A parse error in the user's words: the option and the kind of value it takes, not a .NET type.</summary>
    public static string Describe(string parseError, string? symbol = null)
    {
        Match m = CannotParse().Match(parseError);
        if (!m.Success) return parseError;
        string value = m.Groups["value"].Value, type = m.Groups["type"].Value;
        string where = symbol ?? (m.Groups["option"].Success ? m.Groups["option"].Value : "an argument");
        string expected = type switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "a whole number",
            "System.Double" or "System.Nullable`1[System.Double]" => "a number",
            "System.Boolean" => "true or false",
            _ => "a value of the right form",
        };
        return $"{where}: '{value}' is not {expected}.";
    }

    private static int Fail(string command, string message, int code)
    {
        Console.Error.WriteLine($"modelops {command}: {message}");
        return code;
    }

    /// <summary>Drops the "(Parameter 'x')" suffix .NET argument exceptions add.</summary>
    private static string Plain(string message) => ParameterSuffix().Replace(message, string.Empty);

    [GeneratedRegex(@"Cannot parse argument '(?<value>[^']*)' (for option '(?<option>[^']*)' |for command '(?<command>[^']*)' )?as expected type '(?<type>[^']*)'\.")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
