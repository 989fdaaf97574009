namespace LocalFunctionsHost.Benchmarks;

/// <summary>The test app's functions; a benchmark switches off all but the ones it measures.</summary>
internal static class TestAppFunctions
{
    public static readonly string[] All =
    [
        "Echo", "Admin", "Open", "Upload", "Stream", "StartupTimer", "MonitoredTimer", "QueueText", "QueuePoco", "QueueSdk", "QueueFanOut", "QueueReturn", "BlobCopy", "BlobWatch",
        "Greeting", "SayHello", "FanOutSum", "Square", "Approval", "Note", "Parent", "Child", "Retrying", "Flaky", "Countdown", "Survivor", "Stubborn", "StartDurable",
    ];
}
