using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Crm.Tests;

/// <summary>CrmDatabase.ExportCustomer on the backend under test (tests/capi/customer_export_test.cc checks every part).</summary>
public class ExportTests
{
    [Fact]
    public void ExportHoldsOneCustomerAndNothingOfAnother()
    {
        using var db = TestWorkspace.Open();
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada CSMARK_A"), ("contract_value", 12.5m), ("score", 7L)));
        long bob = db.CreateCustomer(TestWorkspace.Row(("name", "Bob CSMARK_B")));
        db.UpdateCustomer(ada, TestWorkspace.Row(("plan", "premium")), actor: "alice");
        long order = db.AppendEvent(new EventInput
        {
            CustomerId = ada, Type = "order.placed", Channel = "web", IdempotencyKey = "CSMARK_A_KEY",
            Properties = new Dictionary<string, object?> { ["amount"] = 9.90m },
        }).Seq;
        db.AppendEvent(new EventInput { CustomerId = bob, Type = "call", IdempotencyKey = "CSMARK_B_KEY" });
        db.SaveSegment("scored", "score >= 5");

        string text = db.ExportCustomerJson(ada);
        Assert.StartsWith("{\"format\":\"libcrm.customer_export\",\"version\":1,", text);
        Assert.Contains("CSMARK_A", text);
        Assert.DoesNotContain("CSMARK_B", text);

        using JsonDocument doc = db.ExportCustomer(ada);
        JsonElement root = doc.RootElement;
        Assert.Equal(ada, root.GetProperty("customer_id").GetInt64());
        var fields = root.GetProperty("record").GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value"));
        Assert.Equal("12.50", fields["contract_value"].GetString());
        Assert.Equal(7, fields["score"].GetInt64());
        Assert.Equal("premium", fields["plan"].GetString());
        JsonElement history = root.GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        Assert.Equal("alice", history[1].GetProperty("actor").GetString());
        JsonElement evt = root.GetProperty("events")[0];
        Assert.Equal(order, evt.GetProperty("seq").GetInt64());
        Assert.Equal("9.90", evt.GetProperty("properties").GetProperty("amount").GetString());
        Assert.Equal(JsonValueKind.Null, evt.GetProperty("actor").ValueKind);
        Assert.Equal(["scored"], root.GetProperty("segments").EnumerateArray().Select(s => s.GetString()));
        Assert.False(root.GetProperty("markers").GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public void DeletedCustomerExportsItsHistoryAndUnknownIdsThrow()
    {
        using var db = TestWorkspace.Open();
        long carl = db.CreateCustomer(TestWorkspace.Row(("name", "Carl")));
        db.DeleteCustomer(carl, actor: "dpo");
        using (JsonDocument doc = db.ExportCustomer(carl))
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("record").ValueKind);
            Assert.True(doc.RootElement.GetProperty("markers").GetProperty("deleted").GetBoolean());
            Assert.Equal("crm.record.deleted", doc.RootElement.GetProperty("history")[1].GetProperty("type").GetString());
        }
        Assert.Throws<NotFoundException>(() => db.ExportCustomer(1_000_000_000));
        var bad = Assert.Throws<InvalidArgumentException>(() => db.ExportCustomerJson(0));
        Assert.Equal("id", bad.Rule);
    }
}
