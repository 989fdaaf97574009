namespace ModelOps.Testing;

/// <summary>Where things are in a checkout: the repository root and the shared data beside it.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder that holds <c>Functions.sln</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The repository's <c>node_modules</c> (installed by the README's commands).</summary>
    public static string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>
    /// The shared data folder beside the repository (<c>../shared/data</c>), or beside a folder above it when the
    /// checkout is a worktree nested one level deeper.
    /// </summary>
    public static string SharedData
    {
        get
        {
            string beside = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
            string above = Path.GetFullPath(Path.Combine(Root, "..", "..", "shared", "data"));
            return Directory.Exists(beside) || !Directory.Exists(above) ? beside : above;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln was not found above " + AppContext.BaseDirectory);
    }
}
