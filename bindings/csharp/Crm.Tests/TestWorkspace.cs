namespace Crm.Tests;

/// <summary>An in-memory workspace with a few user-defined fields of every value type.</summary>
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
        string server = Environment.GetEnvironmentVariable("CRM_TEST_BACKEND_URL")!;
        string name = "cs_" + Guid.NewGuid().ToString("N");
        return CrmDatabase.OpenUrl(server + (server.Contains('?') ? "&" : "?") + "workspace=" + name);
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
