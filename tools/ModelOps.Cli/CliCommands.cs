using System.CommandLine;

namespace ModelOps.Cli;

/// <summary>The top-level commands of <c>modelops</c>, in the order <c>--help</c> lists them.</summary>
internal static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return UpCommand.Create();
        yield return OnnxCommands.Create();
        yield return DemoDataCommand.Create();
        yield return ModelsCommands.Create();
        yield return ScoreCommand.Create();
        yield return JobsCommands.Create();
        yield return TrainCommand.Create();
        yield return EvaluateCommand.Create();
        yield return ExplainCommand.Create();
        yield return DriftCommand.Create();
        yield return ReportCommand.Create();
        yield return PromoteCommands.Create();
        yield return MonitorCommand.Create();
    }
}
