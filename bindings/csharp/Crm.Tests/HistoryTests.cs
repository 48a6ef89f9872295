namespace Crm.Tests;

public class HistoryTests
{
    private static DateTimeOffset Pause()
    {
        Thread.Sleep(2);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Thread.Sleep(2);
        return now;
    }

    [Fact]
    public void CreateUpdateAndDeleteAppendHistoryEventsWithBeforeAfterAndActor()
    {
        using var db = TestWorkspace.Open();
        long start = db.Follow(0).Select(e => e.Seq).DefaultIfEmpty(0).Max();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Acme"), ("score", 1), ("city", "Oslo")), actor: "alice");
        db.UpdateCustomer(id, TestWorkspace.Row(("score", 2), ("contract_value", 10.50m)), actor: "bob");
        db.UpdateCustomer(id, TestWorkspace.Row(("city", null)), actor: "bob");
        db.DeleteCustomer(id, actor: "carol");

        var history = db.Follow(start).Where(e => e.CustomerId == id).ToList();
        Assert.Equal(["crm.record.created", "crm.record.updated", "crm.record.updated", "crm.record.deleted"],
            history.Select(e => e.Type));
        Assert.All(history, e => Assert.True(e.IsRecordHistory));
        Assert.All(history, e => Assert.Equal("crm", e.Channel));
        Assert.All(history, e => Assert.Empty(e.Properties));
        Assert.Equal(["alice", "bob", "bob", "carol"], history.Select(e => e.Actor));

        CrmEvent created = history[0];
        // Before and After name the same fields, the changed ones; null means empty.
        Assert.Equal(created.Before.Keys.Order(), created.After.Keys.Order());
        Assert.Subset(created.Before.Keys.ToHashSet(), new HashSet<string> { "name", "score", "city" });
        Assert.All(created.Before, p => Assert.Null(p.Value));
        Assert.Equal("Acme", created.After["name"]);
        Assert.Equal(1L, Assert.IsType<long>(created.After["score"]));
        Assert.Equal("Oslo", created.After["city"]);

        CrmEvent updated = history[1];
        Assert.Equal(1L, updated.Before["score"]);
        Assert.Equal(2L, updated.After["score"]);
        Assert.Null(updated.Before["contract_value"]);              // was empty
        Assert.Equal(10.50m, Assert.IsType<decimal>(updated.After["contract_value"]));
        Assert.Equal(["contract_value", "score"], updated.After.Keys.Order());  // only the changed fields
        Assert.Equal(["contract_value", "score"], updated.Before.Keys.Order());

        CrmEvent cleared = history[2];
        Assert.Equal("Oslo", cleared.Before["city"]);
        Assert.True(cleared.After.ContainsKey("city"));
        Assert.Null(cleared.After["city"]);                         // cleared

        CrmEvent deleted = history[3];
        Assert.Equal("Acme", deleted.Before["name"]);
        Assert.Equal(2L, deleted.Before["score"]);
        Assert.All(deleted.After, p => Assert.Null(p.Value));
        Assert.Null(deleted.After["name"]);

        // Hosts cannot append libcrm's own history events.
        long other = db.CreateCustomer(TestWorkspace.Row(("name", "Other")));
        Assert.ThrowsAny<CrmException>(() => db.AppendEvent(new EventInput { CustomerId = other, Type = "crm.record.updated" }));
    }

    [Fact]
    public void HistoryEventsAreInTheCustomersTimeline()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Acme")), actor: "alice");
        db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), actor: "bob");
        var history = db.Timeline(id, new TimelineOptions { Channels = ["crm"], OldestFirst = true }).ToList();
        Assert.Equal(["crm.record.created", "crm.record.updated"], history.Select(e => e.Type));
        Assert.Equal("basic", history[1].Before["plan"]);
        Assert.Equal("premium", history[1].After["plan"]);
    }

    [Fact]
    public void GetCustomerAtSeesTheCustomerAsItWas()
    {
        using var db = TestWorkspace.Open();
        DateTimeOffset beforeCreation = Pause();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Acme"), ("score", 1), ("city", "Oslo")));
        DateTimeOffset afterCreate = Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("score", 2), ("city", null), ("renewal", new DateOnly(2025, 1, 31))));
        DateTimeOffset afterUpdate = Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("name", "Acme Corp")));

        var missing = Assert.Throws<NotFoundException>(() => db.GetCustomerAt(id, beforeCreation));
        Assert.Equal(StatusCode.NotFound, missing.Code);

        Customer v1 = db.GetCustomerAt(id, afterCreate);
        Assert.Equal(id, v1.Id);
        Assert.Equal(1, v1.Version);
        Assert.Equal(1, v1.GetInt64("score"));
        Assert.Equal("Oslo", v1.GetString("city"));
        Assert.Equal("Acme", v1.GetString("name"));
        Assert.False(v1.ContainsKey("renewal"));

        Customer v2 = db.GetCustomerAt(id, afterUpdate);
        Assert.Equal(2, v2.Version);
        Assert.Equal(2, v2.GetInt64("score"));
        Assert.False(v2.ContainsKey("city"));
        Assert.Equal(new DateOnly(2025, 1, 31), v2.GetDateOnly("renewal"));
        Assert.Equal("Acme", v2.GetString("name"));

        Customer now = db.GetCustomerAt(id, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(3, now.Version);
        Assert.Equal("Acme Corp", now.GetString("name"));
        Assert.Equal(db.GetCustomer(id).Version, now.Version);

        DateTimeOffset beforeDelete = Pause();
        db.DeleteCustomer(id);
        Assert.Throws<NotFoundException>(() => db.GetCustomer(id));
        Assert.Throws<NotFoundException>(() => db.GetCustomerAt(id, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(1, db.GetCustomerAt(id, afterCreate).GetInt64("score"));  // the past stays readable
        Assert.Equal("Acme Corp", db.GetCustomerAt(id, beforeDelete).GetString("name"));
    }

    [Fact]
    public void FieldTimelineListsIntervalsWithTheCurrentOneOpen()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Acme"), ("contract_value", 100.00m)));
        Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("contract_value", 250.50m)));
        Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("contract_value", null)));
        Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("name", "Acme Corp")));  // another field: no new interval
        Pause();
        db.UpdateCustomer(id, TestWorkspace.Row(("contract_value", 75m)));

        IReadOnlyList<FieldInterval> intervals = db.FieldTimeline(id, "contract_value");
        Assert.Equal([100.00m, 250.50m, 75m], intervals.Select(i => Assert.IsType<decimal>(i.Value)));
        Assert.NotNull(intervals[0].To);
        Assert.Equal(intervals[0].To, intervals[1].From);              // contiguous change
        Assert.NotNull(intervals[1].To);
        Assert.True(intervals[2].From > intervals[1].To);               // the empty stretch is left out
        Assert.Null(intervals[2].To);                                   // still current
        Assert.All(intervals, i => Assert.Equal(TimeSpan.Zero, i.From.Offset));
        Assert.All(intervals.Take(2), i => Assert.True(i.From < i.To));
        Assert.Equal(db.GetCustomer(id).GetDateTimeOffset("created_at"), intervals[0].From);

        // Each interval agrees with a point-in-time read inside it.
        foreach (FieldInterval interval in intervals)
            Assert.Equal(interval.Value, db.GetCustomerAt(id, interval.From)["contract_value"]);

        IReadOnlyList<FieldInterval> names = db.FieldTimeline(id, "name");
        Assert.Equal(["Acme", "Acme Corp"], names.Select(i => (string)i.Value!));
        Assert.Null(names[1].To);
        Assert.Empty(db.FieldTimeline(id, "score"));
        Assert.Throws<NotFoundException>(() => db.FieldTimeline(id, "no_such_field"));
    }
}
