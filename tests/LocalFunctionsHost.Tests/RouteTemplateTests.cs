namespace LocalFunctionsHost.Tests;

public sealed class RouteTemplateTests
{
    [Theory]
    [InlineData("score/{model}", "score/churn", "model", "churn")]
    [InlineData("score/{model}", "SCORE/churn", "model", "churn")]
    [InlineData("models/{name}/versions/{version:int}", "models/a/versions/3", "version", "3")]
    [InlineData("files/{*path}", "files/a/b/c.txt", "path", "a/b/c.txt")]
    [InlineData("approvals/{id}/{action?}", "approvals/42", "id", "42")]
    public void Templates_match_and_capture(string template, string path, string name, string value)
    {
        Dictionary<string, string>? values = RouteTemplate.Parse(template).Match(path);

        values.Should().NotBeNull();
        values![name].Should().Be(value);
    }

    [Theory]
    [InlineData("score/{model}", "score")]
    [InlineData("score/{model}", "score/a/b")]
    [InlineData("models/{v:int}", "models/x")]
    [InlineData("health", "healthz")]
    public void Templates_reject_what_does_not_fit(string template, string path) =>
        RouteTemplate.Parse(template).Match(path).Should().BeNull();
}
