namespace Crm.Tests;

/// <summary>An in-memory workspace with a few user-defined fields of every value type.</summary>
internal static class TestWorkspace
{
    public static CrmDatabase Open()
    {
        var db = CrmDatabase.Open(":memory:");
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
