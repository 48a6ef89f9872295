namespace Crm.Tests;

/// <summary>
/// Workspaces on the backend under test: in memory, or on PostgreSQL when
/// CRM_TEST_BACKEND_URL is set (CTest csharp_binding_postgres). A test that
/// only a file can run (paths, a file's bytes, SQLite's own wording) opens a
/// file itself and carries [Trait("Backend", "File")], which the PostgreSQL
/// run leaves out.
/// </summary>
internal static class TestWorkspace
{
    /// <summary>
    /// True when the conformance run asks for PostgreSQL workspaces
    /// (CRM_TEST_BACKEND_URL, the server CTest started).
    /// </summary>
    public static bool OnPostgres => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRM_TEST_BACKEND_URL"));

    /// <summary>
    /// A new empty workspace on the backend under test: in memory, or a new
    /// PostgreSQL workspace (left for the throwaway server to take with it).
    /// </summary>
    public static CrmDatabase OpenEmpty()
    {
        if (!OnPostgres) return CrmDatabase.Open(":memory:");
        return CrmDatabase.OpenUrl(NewWorkspaceUrl(), ServerOptions());
    }

    private static string NewWorkspaceUrl()
    {
        string server = Environment.GetEnvironmentVariable("CRM_TEST_BACKEND_URL")!;
        return server + (server.Contains('?') ? "&" : "?") + "workspace=cs_" + Guid.NewGuid().ToString("N");
    }

    // The test classes run in parallel, each on workspaces of one server.
    // Adding a field's index there locks the customer table every workspace
    // shares against writers until it commits (crm.h, "Backends: what
    // differs"), so on a loaded machine a write may wait longer than the
    // default 5 s busy timeout for another class's field definition.
    private static OpenOptions ServerOptions(OpenOptions? options = null) =>
        (options ?? new OpenOptions()) with { BusyTimeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// A workspace a test opens more than once (to reopen it, or read-only):
    /// a file in a new temporary folder, or a new PostgreSQL workspace in the
    /// conformance run. Dispose removes the folder (a workspace on the server
    /// is left for the throwaway server to take with it).
    /// </summary>
    public sealed class Place : IDisposable
    {
        private readonly string? _folder;

        public Place()
        {
            if (OnPostgres)
            {
                Location = NewWorkspaceUrl();
            }
            else
            {
                _folder = Directory.CreateTempSubdirectory("crm-cs-").FullName;
                Location = System.IO.Path.Combine(_folder, "w.crm");
            }
        }

        /// <summary>The file path or the workspace URL.</summary>
        public string Location { get; }

        public CrmDatabase Open(OpenOptions? options = null) =>
            OnPostgres ? CrmDatabase.OpenUrl(Location, ServerOptions(options)) : CrmDatabase.Open(Location, options);

        public void Dispose()
        {
            if (_folder is not null) Directory.Delete(_folder, recursive: true);
        }
    }

    public static CrmDatabase Open()
    {
        var db = OpenEmpty();
        db.DefineField(new FieldDefinition
        {
            Name = "plan", Type = FieldType.Choice, Options = ["basic", "premium"], DefaultValue = "basic",
        });
        db.DefineField(new FieldDefinition { Name = "contract_value", Type = FieldType.Decimal, Scale = 2 });
        db.DefineField(new FieldDefinition { Name = "score", Type = FieldType.Integer });
        db.DefineField(new FieldDefinition { Name = "active", Type = FieldType.Boolean });
        db.DefineField(new FieldDefinition { Name = "renewal", Type = FieldType.Date });
        db.DefineField(new FieldDefinition { Name = "last_seen", Type = FieldType.DateTime });
        return db;
    }

    public static Dictionary<string, object?> Row(params (string Field, object? Value)[] values)
    {
        var row = new Dictionary<string, object?>();
        foreach (var (field, value) in values) row[field] = value;
        return row;
    }
}
