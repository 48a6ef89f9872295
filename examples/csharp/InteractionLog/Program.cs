// An interaction log on libcrm: customers, their interactions across
// channels (phone, email, web, store) as events, one customer's timeline,
// and decision-support figures computed by libcrm's queries.
//
//   CRM_LIBRARY=/path/to/libcrm.so dotnet run --project examples/csharp/InteractionLog [workspace.crm]
//
// Without an argument the workspace is a new temporary file, deleted at the
// end. Running it again on the same file changes nothing: fields are defined
// once, customers are upserted by external id and events carry idempotency keys.
using System.Globalization;
using Crm;

string path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"interaction-log-{Guid.NewGuid():N}.crm");
bool temporary = args.Length == 0;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

try
{
    using var db = CrmDatabase.Open(path, new OpenOptions { Create = true });
    Console.WriteLine($"Workspace: {path} (libcrm {CrmLibrary.Version})");

    // 1. User-defined fields, next to the standard ones (name, email, stage, ...).
    var existing = db.ListFields().Select(f => f.Name).ToHashSet();
    if (!existing.Contains("segment"))
        db.DefineField(new FieldDefinition
        {
            Name = "segment", Type = FieldType.Choice, Options = ["smb", "enterprise"], DefaultValue = "smb",
        });
    if (!existing.Contains("account_manager"))
        db.DefineField(new FieldDefinition { Name = "account_manager", Type = FieldType.Text });
    if (!existing.Contains("annual_value"))
        db.DefineField(new FieldDefinition { Name = "annual_value", Type = FieldType.Decimal, Scale = 2 });

    // 2. Customers, upserted by external id in one batch.
    var customers = new (string ExternalId, string Name, string Email, string Stage, string Segment, string Manager, decimal Value)[]
    {
        ("C-100", "Acme Corporation", "ops@acme.example", "customer", "enterprise", "alice", 48000.00m),
        ("C-101", "Globex Ltd", "hello@globex.example", "customer", "smb", "bob", 6500.50m),
        ("C-102", "Initech", "it@initech.example", "lead", "smb", "bob", 0.00m),
        ("C-103", "Umbrella Health", "contact@umbrella.example", "prospect", "enterprise", "alice", 0.00m),
    };
    var results = db.UpsertMany(customers.Select(c => new Dictionary<string, object?>
    {
        ["external_id"] = c.ExternalId, ["name"] = c.Name, ["email"] = c.Email, ["stage"] = c.Stage,
        ["segment"] = c.Segment, ["account_manager"] = c.Manager, ["annual_value"] = c.Value,
    }), actor: "import");
    var ids = customers.Select((c, i) => (c.ExternalId, results[i].Id)).ToDictionary(p => p.ExternalId, p => p.Id);
    Console.WriteLine($"Customers: {results.Count(r => r.Created)} created, {results.Count(r => !r.Created)} updated");

    // 3. Interactions across channels, Jan-Mar 2024 (fixed times, so the figures below are stable).
    static DateTimeOffset At(int month, int day, int hour) => new(2024, month, day, hour, 0, 0, TimeSpan.Zero);
    var log = new List<EventInput>();
    void Log(string customer, string type, string channel, DateTimeOffset at, string actor,
        params (string Name, object? Value)[] properties) => log.Add(new EventInput
    {
        CustomerId = ids[customer], Type = type, Channel = channel, OccurredAt = at, Actor = actor,
        Source = channel switch { "phone" => "pbx", "email" => "mailbox", "web" => "website", _ => "pos" },
        IdempotencyKey = $"{customer}/{type}/{at:yyyyMMddHH}",
        Properties = properties.ToDictionary(p => p.Name, p => p.Value),
    });
    Log("C-100", "call", "phone", At(1, 8, 9), "alice", ("minutes", 14), ("outcome", "demo booked"));
    Log("C-100", "email.sent", "email", At(1, 9, 10), "alice", ("subject", "Demo follow-up"));
    Log("C-100", "web.visit", "web", At(1, 15, 16), "web", ("page", "/pricing"));
    Log("C-100", "ticket.opened", "email", At(2, 2, 11), "support", ("ticket", "T-1"), ("priority", "high"));
    Log("C-100", "call", "phone", At(2, 3, 14), "support", ("minutes", 25), ("outcome", "workaround"));
    Log("C-100", "ticket.closed", "phone", At(2, 5, 9), "support", ("ticket", "T-1"));
    Log("C-100", "store.visit", "store", At(3, 12, 12), "store-oslo", ("basket", 1249.90m));
    Log("C-100", "ticket.opened", "web", At(3, 20, 8), "support", ("ticket", "T-4"), ("priority", "normal"));
    Log("C-101", "web.visit", "web", At(1, 20, 19), "web", ("page", "/signup"));
    Log("C-101", "ticket.opened", "phone", At(2, 14, 10), "support", ("ticket", "T-2"), ("priority", "normal"));
    Log("C-101", "store.visit", "store", At(2, 24, 15), "store-bergen", ("basket", 89.00m));
    Log("C-101", "email.sent", "email", At(3, 1, 9), "bob", ("subject", "Renewal"));
    Log("C-102", "web.visit", "web", At(2, 1, 20), "web", ("page", "/features"));
    Log("C-102", "call", "phone", At(2, 6, 11), "bob", ("minutes", 6), ("outcome", "send offer"));
    Log("C-102", "ticket.opened", "email", At(3, 4, 13), "support", ("ticket", "T-3"), ("priority", "low"));
    Log("C-103", "email.sent", "email", At(3, 18, 9), "alice", ("subject", "Introduction"));
    var interactions = Query.Events("channel in ('phone', 'email', 'web', 'store')");
    long before = db.Count(interactions);
    IReadOnlyList<long> seqs = db.AppendEvents(log);   // one crossing, all or nothing

    // One more, on its own; a retry with the same key stores nothing.
    var visit = new EventInput
    {
        CustomerId = ids["C-103"], Type = "store.visit", Channel = "store", Actor = "store-oslo", Source = "pos",
        OccurredAt = At(3, 22, 17), IdempotencyKey = "C-103/store.visit/2024032217",
        Properties = new Dictionary<string, object?> { ["basket"] = 310.00m },
    };
    AppendResult first = db.AppendEvent(visit), retry = db.AppendEvent(visit);
    long added = db.Count(interactions) - before;
    Console.WriteLine($"Interactions: {seqs.Count + 1} appended, {added} new " +
        $"(a retry of seq {first.Seq} with the same idempotency key was a duplicate: {retry.Duplicate})");

    // 4. One customer's timeline, oldest first, without libcrm's own history events.
    Customer acme = db.GetCustomerByExternalId("C-100");
    Console.WriteLine();
    Console.WriteLine($"== Timeline of {acme.GetString("name")} ({acme.GetString("stage")}, {acme.GetString("segment")}, manager {acme.GetString("account_manager")}) ==");
    foreach (CrmEvent e in db.Timeline(acme.Id, new TimelineOptions { OldestFirst = true }))
    {
        if (e.IsRecordHistory) continue;
        string details = string.Join(", ", e.Properties.Select(p => $"{p.Key}={p.Value}"));
        Console.WriteLine($"{e.OccurredAt:yyyy-MM-dd HH:mm}  {e.Channel,-6} {e.Type,-14} {e.Actor,-10} {details}");
    }

    // 5. Interactions per channel per month: one aggregate over events.
    Console.WriteLine();
    Console.WriteLine("== Interactions per channel per month ==");
    var perMonth = db.Aggregate(interactions.Clone()
        .GroupBy("occurred_at", Bucket.Month)
        .GroupBy("channel")
        .Aggregate(AggregateFunction.Count, alias: "interactions")
        .Aggregate(AggregateFunction.CountDistinct, "customer_id", "customers"));
    string[] channels = ["phone", "email", "web", "store"];
    Console.WriteLine($"{"month",-8}" + string.Concat(channels.Select(c => $"{c,8}")) + $"{"total",8}");
    foreach (var month in perMonth.GroupBy(r => r.GetString("occurred_at")).OrderBy(g => g.Key))
    {
        var counts = month.ToDictionary(r => r.GetString("channel"), r => r.GetInt64("interactions"));
        Console.WriteLine($"{month.Key,-8}" +
            string.Concat(channels.Select(c => $"{counts.GetValueOrDefault(c),8}")) + $"{counts.Values.Sum(),8}");
    }

    // 6. Open tickets per customer stage: events filtered by their customer's fields.
    Console.WriteLine();
    Console.WriteLine("== Open tickets per customer stage ==");
    foreach (string stage in new[] { "customer", "lead", "prospect" })
    {
        long opened = db.Count(Query.Events("type = 'ticket.opened' and customer.stage = ?", stage));
        long closed = db.Count(Query.Events("type = 'ticket.closed' and customer.stage = ?", stage));
        Console.WriteLine($"{stage,-10} {opened - closed,3} open ({opened} opened, {closed} closed)");
    }

    // 7. Where to look next: customers by activity, money summed exactly.
    Console.WriteLine();
    Console.WriteLine("== Annual value by segment ==");
    foreach (QueryRow row in db.Aggregate(new Query("stage = 'customer'")
                 .GroupBy("segment")
                 .Aggregate(AggregateFunction.Count)
                 .Aggregate(AggregateFunction.Sum, "annual_value", "total")))
        Console.WriteLine($"{row.GetString("segment"),-10} {row.GetInt64("count"),3} customers {row.GetDecimal("total"),12:N2}");

    var searchHits = db.Search("acm*");
    Console.WriteLine();
    Console.WriteLine($"Search 'acm*': {string.Join(", ", searchHits.Select(r => r.GetString("name")))}");
    db.SaveSegment("quiet customers", "stage = 'customer' and segment = 'smb'");
    Console.WriteLine($"Segment 'quiet customers': {db.SegmentCount("quiet customers")} customer(s)");
}
catch (CrmException e)
{
    Console.Error.WriteLine($"libcrm: {e.StatusName}: {e.Message}" +
        (e.Field.Length > 0 ? $" (field {e.Field}, rule {e.Rule})" : "") +
        (e.Position is { } p ? $" at byte {p}" : ""));
    return 1;
}
finally
{
    if (temporary)
        foreach (string file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            File.Delete(file);
}
return 0;
