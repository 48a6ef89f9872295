using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.Tests;

/// <summary>
/// Data in and out through the binding (CrmDatabase.ImportFile, Export, Dump,
/// Load, Backup, Restore, Verify) on real files, on the backend under test:
/// progress reported, a throwing callback or a cancelled token stopping the
/// call, errors mapped with field and rule. tests/capi/ has the full matrix.
/// </summary>
public sealed class DataTests : IDisposable
{
    // A spreadsheet as a Norwegian office program saves it: ";" between cells,
    // decimal commas, its own words for yes and no, a column nobody wants.
    private const string Spreadsheet =
        "Kundenr;Navn;E-post;Saldo;Aktiv;Notat\r\n" +
        "K-1;Ada Berg;ada@example.com;1 234,50;ja;x\r\n" +
        "K-2;Bo Li;bo@example.com;-3,25;nei;y\r\n" +
        "K-3;Cy Ng;not-an-email;0;ja;z\r\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("crm-cs-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string? text = null)
    {
        string path = System.IO.Path.Combine(_folder, name);
        if (text is not null) System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private string[] Files() => Directory.GetFiles(_folder).Select(System.IO.Path.GetFileName).Order().ToArray()!;

    private static JsonObject Mapping() => new()
    {
        ["columns"] = new JsonObject
        {
            ["Kundenr"] = "external_id",
            ["Navn"] = "name",
            ["E-post"] = "email",
            ["Saldo"] = new JsonObject { ["field"] = "balance", ["decimal"] = "," },
            ["Aktiv"] = new JsonObject { ["field"] = "active", ["true"] = new JsonArray("ja"), ["false"] = new JsonArray("nei") },
            ["Notat"] = null,
        },
        ["key"] = "external_id",
    };

    private static CrmDatabase Workspace()
    {
        CrmDatabase db = TestWorkspace.OpenEmpty();
        DefineFields(db);
        return db;
    }

    private static void DefineFields(CrmDatabase db)
    {
        db.DefineField(new FieldDefinition { Name = "balance", Type = FieldType.Decimal, Scale = 2 });
        db.DefineField(new FieldDefinition { Name = "active", Type = FieldType.Boolean });
    }

    private static void Fill(CrmDatabase db)
    {
        long ada = db.CreateCustomer(TestWorkspace.Row(
            ("name", "Ada, the first"), ("email", "ada@example.com"), ("balance", 12.50m), ("active", true)));
        long gone = db.CreateCustomer(TestWorkspace.Row(("name", "Gone")));
        db.DeleteCustomer(gone);
        db.CreateCustomer(TestWorkspace.Row(("name", "Bo"), ("email", "bo@example.com"), ("balance", -3.25m)));
        db.AppendEvent(new EventInput { CustomerId = ada, Type = "call", Channel = "phone", IdempotencyKey = "k1" });
        db.SaveSegment("active", "active = true");
    }

    private sealed class Recorder
    {
        public List<DataProgress> Calls { get; } = new();
        public Exception? StopWith { get; init; }

        public void Report(DataProgress progress)
        {
            Calls.Add(progress);
            if (StopWith is not null) throw StopWith;
        }
    }

    // -- the progress relay, called as libcrm calls it --------------------------

    [Fact]
    public unsafe void TheRelayReportsAndStopsOnAnException()
    {
        var recorder = new Recorder();
        using (var relay = new ProgressRelay(new TransferOptions { Progress = recorder.Report }))
        {
            Assert.Equal(0, relay.Function(relay.Context, 5, 10, -1));
            Assert.Equal(0, relay.Function(relay.Context, 6, 12, 40));
            Assert.Equal([new DataProgress(5, 10, null), new DataProgress(6, 12, 40)], recorder.Calls);
            relay.Check(0);
        }
        var stop = new InvalidOperationException("stop");
        using (var relay = new ProgressRelay(new TransferOptions { Progress = new Recorder { StopWith = stop }.Report }))
        {
            Assert.Equal(1, relay.Function(relay.Context, 1, 2, 3));
            Assert.Equal(1, relay.Function(relay.Context, 1, 2, 3));  // stays stopped
            Assert.Same(stop, relay.Raised);
            Assert.Same(stop, Assert.Throws<InvalidOperationException>(() => relay.Check(0)));
        }
        using (var relay = new ProgressRelay(null))
        {
            Assert.True(relay.Function == null);
            Assert.Equal(0, relay.Context);
        }
    }

    [Fact]
    public unsafe void TheRelayRefusesLibcrmCallsFromTheCallback()
    {
        using var db = TestWorkspace.OpenEmpty();
        using var relay = new ProgressRelay(new TransferOptions { Progress = _ => db.CountCustomers() });
        Assert.Equal(1, relay.Function(relay.Context, 1, 2, 3));
        Assert.IsType<MisuseException>(relay.Raised);
        Assert.Equal(0, db.CountCustomers());  // outside the callback: allowed
    }

    // -- import ---------------------------------------------------------------

    [Fact]
    public void ImportsASpreadsheetThroughAMapping()
    {
        using var db = Workspace();
        string rejects = File("rejects.csv");
        ImportReport report = db.ImportFile(File("kunder.csv", Spreadsheet),
            new ImportOptions { Mapping = Mapping(), RejectPath = rejects });
        Assert.Equal((3L, 2L, 0L, 0L, 1L), (report.Rows, report.Created, report.Updated, report.Unchanged, report.Rejected));
        Assert.False(report.DryRun);
        Assert.Equal(Encoding.UTF8.GetByteCount(Spreadsheet), report.Bytes);
        ImportReject reject = Assert.Single(report.Rejects);
        Assert.Equal((3L, 4L, "E-post", "email", "format"), (reject.Row, reject.Line, reject.Column, reject.Field, reject.Rule));
        Customer ada = db.GetCustomerByExternalId("K-1");
        Assert.Equal("ada@example.com", ada["email"]);
        Assert.Equal(1234.50m, ada["balance"]);
        Assert.Equal(true, ada["active"]);
        Assert.Equal(false, db.GetCustomerByExternalId("K-2")["active"]);
        Assert.Equal(2, db.CountCustomers());
        string[] listed = System.IO.File.ReadAllLines(rejects);
        Assert.Equal(2, listed.Length);  // a header row and the rejected row
        Assert.Contains("E-post", listed[1]);
    }

    [Fact]
    public void ImportingAgainChangesNothingAndADryRunKeepsNothing()
    {
        using var db = Workspace();
        string path = File("kunder.csv", Spreadsheet);
        string empty = db.Checksum();
        ImportReport dry = db.ImportFile(path, new ImportOptions { MappingJson = Mapping().ToJsonString(), DryRun = true });
        Assert.True(dry.DryRun);
        Assert.Equal((2L, 1L), (dry.Created, dry.Rejected));
        Assert.Equal(empty, db.Checksum());
        db.ImportFile(path, new ImportOptions { Mapping = Mapping() });
        string imported = db.Checksum();
        ImportReport again = db.ImportFile(path, new ImportOptions { Mapping = Mapping() });
        Assert.Equal((0L, 0L, 2L), (again.Created, again.Updated, again.Unchanged));
        Assert.Equal(imported, db.Checksum());
        Assert.Throws<ArgumentException>(() =>
            db.ImportFile(path, new ImportOptions { Mapping = Mapping(), MappingJson = "{}" }));
    }

    [Fact]
    public void ImportReportsProgressUpToTheFileSize()
    {
        using var db = TestWorkspace.OpenEmpty();
        string text = "external_id,name\n" + string.Concat(Enumerable.Range(0, 25).Select(i => $"e{i},Person {i}\n"));
        var recorder = new Recorder();
        db.ImportFile(File("people.csv", text), new ImportOptions { BatchRows = 10, Progress = recorder.Report });
        Assert.NotEmpty(recorder.Calls);
        Assert.Equal(new DataProgress(25, text.Length, text.Length), recorder.Calls[^1]);
        Assert.Equal(recorder.Calls.OrderBy(c => c.Items).ThenBy(c => c.Bytes), recorder.Calls);
    }

    [Fact]
    public void AThrowingCallbackCancelsWithItsExceptionInside()
    {
        using var db = TestWorkspace.OpenEmpty();
        string path = File("people.csv", "external_id,name\na,Ann\nb,Ben\n");
        var stop = new InvalidOperationException("the user closed the window");
        var cancelled = Assert.Throws<CrmCancelledException>(() =>
            db.ImportFile(path, new ImportOptions { BatchRows = 0, Progress = new Recorder { StopWith = stop }.Report }));
        Assert.Same(stop, cancelled.InnerException);
        Assert.Equal(StatusCode.Cancelled, cancelled.Code);
        Assert.Equal(0, db.CountCustomers());  // one transaction: nothing kept
        Assert.Equal(2L, db.ImportFile(path).Created);  // importing again completes it
    }

    [Fact]
    public void ACancelledTokenCancels()
    {
        using var db = TestWorkspace.OpenEmpty();
        using var source = new CancellationTokenSource();
        source.Cancel();
        var cancelled = Assert.Throws<CrmCancelledException>(() =>
            db.ImportFile(File("people.csv", "external_id,name\na,Ann\n"),
                new ImportOptions { BatchRows = 0, CancellationToken = source.Token }));
        Assert.IsAssignableFrom<OperationCanceledException>(cancelled.InnerException);
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void ACallbackMustNotCallLibcrm()
    {
        using var db = TestWorkspace.OpenEmpty();
        var cancelled = Assert.Throws<CrmCancelledException>(() =>
            db.ImportFile(File("people.csv", "external_id,name\na,Ann\n"),
                new ImportOptions { BatchRows = 0, Progress = _ => db.CountCustomers() }));
        Assert.IsType<MisuseException>(cancelled.InnerException);
        Assert.Equal(0, db.CountCustomers());  // and the handle still works
    }

    [Fact]
    public void ImportEventsByExternalIdOnceOnly()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("external_id", "K-1")));
        string path = File("calls.jsonl",
            "{\"Kunde\": \"K-1\", \"occurred_at\": \"2025-03-01T10:00:00Z\", \"minutes\": 3}\n\n" +
            "{\"Kunde\": \"K-9\", \"occurred_at\": \"2025-03-02T10:00:00Z\", \"minutes\": 4}\n");
        var options = new ImportOptions
        {
            Target = DataTarget.Events,
            MappingJson = """{"customer": {"column": "Kunde", "by": "external_id"}, "type": "call", "channel": "phone"}""",
        };
        ImportReport report = db.ImportFile(path, options);
        Assert.Equal((2L, 1L, 1L), (report.Rows, report.Created, report.Rejected));
        Assert.Equal(("Kunde", "reference"), (report.Rejects[0].Column, report.Rejects[0].Rule));
        ImportReport again = db.ImportFile(path, options);
        Assert.Equal((0L, 1L), (again.Created, again.Unchanged));
        CrmEvent call = Assert.Single(db.Follow(0), e => e.Type == "call");
        Assert.Equal(("phone", new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero)), (call.Channel, call.OccurredAt));
    }

    [Fact]
    public void ImportErrorsNameTheRule()
    {
        using var db = TestWorkspace.OpenEmpty();
        Assert.Equal("path", Assert.Throws<NotFoundException>(() => db.ImportFile(File("absent.csv"))).Rule);
        string unknown = File("unknown.csv", "name,Shoe size\nAda,38\n");
        var unmapped = Assert.Throws<NotFoundException>(() => db.ImportFile(unknown));
        Assert.Equal("unknown_field", unmapped.Rule);
        Assert.Contains("Shoe size", unmapped.Message);
        // No key column (external_id, email): every row creates, with key null.
        Assert.Equal(1L, db.ImportFile(unknown, new ImportOptions { MappingJson = """{"unmapped": "ignore", "key": null}""" }).Created);
        var mapping = Assert.Throws<InvalidArgumentException>(() =>
            db.ImportFile(unknown, new ImportOptions { MappingJson = """{"unmapped": "sometimes"}""" }));
        Assert.Equal("mapping_json", mapping.Rule);
        var header = Assert.Throws<InvalidArgumentException>(() => db.ImportFile(File("twice.csv", "name,name\nAda,Ada\n")));
        Assert.Equal("file", header.Rule);
        var rows = Assert.Throws<InvalidArgumentException>(() => db.ImportFile(unknown, new ImportOptions { BatchRows = -1 }));
        Assert.Equal("batch_rows", rows.Rule);
        var target = Assert.Throws<InvalidArgumentException>(() => db.ImportFile(unknown, new ImportOptions { Target = (DataTarget)7 }));
        Assert.Equal("target", target.Rule);
        Assert.Throws<ArgumentNullException>(() => db.ImportFile(null!));
        Assert.Equal(1, db.CountCustomers());
    }

    // -- export ---------------------------------------------------------------

    [Fact]
    public void AnExportImportsBackToTheSameValues()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("customers.csv");
        Assert.Equal(2L, db.Export(path));
        using var other = Workspace();
        ImportReport report = other.ImportFile(path, new ImportOptions { MappingJson = """{"columns": {"id": null}, "key": "email"}""" });
        Assert.Equal((2L, 0L), (report.Created, report.Rejected));
        foreach (string email in new[] { "ada@example.com", "bo@example.com" })
        {
            Customer mine = db.GetCustomerByEmail(email), theirs = other.GetCustomerByEmail(email);
            foreach (string field in new[] { "name", "balance", "active" }) Assert.Equal(mine[field], theirs[field]);
        }
    }

    [Fact]
    public void ExportFieldsFilterAndJsonLines()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("positive.jsonl");
        Assert.Equal(1L, db.Export(path, new ExportOptions { Filter = "balance > 0", Fields = ["name", "balance"] }));
        using (JsonDocument row = JsonDocument.Parse(System.IO.File.ReadAllLines(path).Single(l => l.Trim().Length > 0)))
        {
            Assert.Equal(["balance", "name"], row.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("Ada, the first", row.RootElement.GetProperty("name").GetString());
        }
        string csv = File("emails.csv");
        db.Export(csv, new ExportOptions { Format = DataFormat.Csv, Fields = ["email"] });
        Assert.Equal("email\r\nada@example.com\r\nbo@example.com\r\n", System.IO.File.ReadAllText(csv));
        Assert.Throws<ArgumentException>(() => db.Export(csv, new ExportOptions { Fields = ["name,email"] }));
    }

    [Fact]
    public void ExportEventsBetweenSinceAndUntil()
    {
        using var db = TestWorkspace.OpenEmpty();
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada")));
        for (int day = 1; day <= 3; day++)
            db.AppendEvent(new EventInput { CustomerId = ada, Type = "call", OccurredAt = new DateTimeOffset(2025, 3, day, 0, 0, 0, TimeSpan.Zero) });
        string path = File("calls.csv");
        long rows = db.Export(path, new ExportOptions
        {
            Target = DataTarget.Events,
            Filter = "type = 'call'",
            Since = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero),
            Until = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero),
        });
        Assert.Equal(1L, rows);
        string[] lines = System.IO.File.ReadAllLines(path);
        Assert.StartsWith("seq,customer_id,occurred_at,", lines[0]);
        Assert.Contains(",2025-03-02", lines[1]);
    }

    [Fact]
    public void ACancelledExportLeavesNoFileAndTheOldOneAsItWas()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("customers.csv");
        var stop = new TimeoutException("stop");
        var cancelled = Assert.Throws<CrmCancelledException>(() =>
            db.Export(path, new ExportOptions { Progress = new Recorder { StopWith = stop }.Report }));
        Assert.Same(stop, cancelled.InnerException);
        Assert.Empty(Files());
        File("customers.csv", "old\n");
        Assert.Throws<CrmCancelledException>(() =>
            db.Export(path, new ExportOptions { Progress = new Recorder { StopWith = stop }.Report }));
        Assert.Equal("old\n", System.IO.File.ReadAllText(path));
        Assert.Equal(["customers.csv"], Files());
        var recorder = new Recorder();
        Assert.Equal(2L, db.Export(path, new ExportOptions { Progress = recorder.Report }));
        Assert.Equal(2L, recorder.Calls[^1].Items);
        Assert.Equal(new FileInfo(path).Length, recorder.Calls[^1].Bytes);
    }

    [Fact]
    public void ExportErrorsNameFieldAndRule()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("x.csv");
        var unknown = Assert.Throws<NotFoundException>(() => db.Export(path, new ExportOptions { Fields = ["name", "shoe_size"] }));
        Assert.Equal("unknown_field", unknown.Rule);
        db.Profiles.Define("""{"name": "desk", "groups": {"standard": "read_only"}}""");
        using (CrmDatabase desk = db.Restrict("desk"))
            Assert.Equal("operation", Assert.Throws<CrmDeniedException>(() => desk.Export(path)).Rule);
        db.Profiles.Define("""{"name": "reports", "groups": {"standard": "read_only"}, "operations": ["bulk_export"]}""");
        using (CrmDatabase reports = db.Restrict("reports"))
        {
            var hidden = Assert.Throws<CrmDeniedException>(() => reports.Export(path, new ExportOptions { Fields = ["name", "balance"] }));
            Assert.Equal(("hidden", "balance"), (hidden.Rule, hidden.Field));
            Assert.Equal(2L, reports.Export(path, new ExportOptions { Fields = ["name"] }));
        }
    }

    // -- dump and load --------------------------------------------------------

    [Fact]
    public void DumpAndLoadKeepEverything()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.crmdump");
        var dumped = new Recorder();
        db.Dump(path, new TransferOptions { Progress = dumped.Report });
        Assert.Equal("CRMDUMP\n"u8.ToArray(), System.IO.File.ReadAllBytes(path)[..8]);
        Assert.Equal(new FileInfo(path).Length, dumped.Calls[^1].Bytes);
        using var other = TestWorkspace.OpenEmpty();
        var loaded = new Recorder();
        other.Load(path, new TransferOptions { Progress = loaded.Report });
        Assert.Equal(db.Checksum(), other.Checksum());
        Assert.Equal(new FileInfo(path).Length, loaded.Calls[^1].BytesTotal);
        Assert.Equal(1, other.SegmentCount("active"));
        Assert.Equal("target", Assert.Throws<ConflictException>(() => other.Load(path)).Rule);
    }

    [Fact]
    public void UntrustedDumpsLeaveTheWorkspaceEmpty()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.crmdump");
        db.Dump(path);
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        string truncated = File("truncated.crmdump");
        System.IO.File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        using var other = TestWorkspace.OpenEmpty();
        string empty = other.Checksum();
        var damaged = Assert.Throws<CrmIOException>(() => other.Load(truncated));
        Assert.Equal("damaged", damaged.Rule);
        Assert.NotNull(damaged.Position);
        Assert.Equal("file", Assert.Throws<NotWorkspaceException>(() => other.Load(File("not.crmdump", "name,email\n"))).Rule);
        Assert.Throws<NotFoundException>(() => other.Load(File("absent.crmdump")));
        Assert.Equal(empty, other.Checksum());
        other.Load(path);
        Assert.Equal(db.Checksum(), other.Checksum());
    }

    [Fact]
    public void ACancelledDumpLeavesNoFileAndACancelledLoadNothing()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.crmdump");
        var stop = new OperationCanceledException("stop");
        Assert.Same(stop, Assert.Throws<CrmCancelledException>(() =>
            db.Dump(path, new TransferOptions { Progress = new Recorder { StopWith = stop }.Report })).InnerException);
        Assert.Empty(Files());
        db.Dump(path);
        using var other = TestWorkspace.OpenEmpty();
        string empty = other.Checksum();
        Assert.Throws<CrmCancelledException>(() =>
            other.Load(path, new TransferOptions { Progress = new Recorder { StopWith = stop }.Report }));
        Assert.Equal(empty, other.Checksum());
    }

    [Fact]
    public void RestrictedHandlesNeitherDumpNorLoad()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.crmdump");
        db.Dump(path);
        db.Profiles.Define("""{"name": "desk", "groups": {"standard": "read_only"}}""");
        using CrmDatabase desk = db.Restrict("desk");
        Assert.Equal("operation", Assert.Throws<CrmDeniedException>(() => desk.Dump(File("x.crmdump"))).Rule);
        Assert.Equal("operation", Assert.Throws<CrmDeniedException>(() => desk.Load(path)).Rule);
        Assert.Equal(["w.crmdump"], Files());
    }

    // -- backup, restore and verify --------------------------------------------

    [Fact]
    public void BackupRestoresToTheSameChecksum()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.backup");
        var progress = new Recorder();
        db.Backup(path, new TransferOptions { Progress = progress.Report });
        Assert.NotEmpty(progress.Calls);
        using var other = TestWorkspace.OpenEmpty();
        other.Restore(path);
        Assert.Equal(db.Checksum(), other.Checksum());
        Assert.Equal("target", Assert.Throws<ConflictException>(() => other.Restore(path)).Rule);
    }

    [Fact]
    [Trait("Backend", "File")]
    public void AFileBackupOpensAsAWorkspace()
    {
        using var db = CrmDatabase.Open(File("w.crm"));
        DefineFields(db);
        Fill(db);
        string path = File("w.backup.crm");
        db.Backup(path);
        using var copy = CrmDatabase.Open(path, new OpenOptions { Create = false, ReadOnly = true });
        Assert.Equal(db.Checksum(), copy.Checksum());
    }

    [Fact]
    public void RestoreRefusesWhatIsNoBackup()
    {
        using var db = TestWorkspace.OpenEmpty();
        Assert.Throws<NotWorkspaceException>(() => db.Restore(File("junk.crm", "SQLite format 3\0 but not really")));
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void VerifyReportsEveryCheck()
    {
        using var db = Workspace();
        Fill(db);
        VerifyReport report = db.Verify();
        Assert.True(report.Ok);
        foreach (string name in new[] { "schema", "integrity", "counters", "history" })
            Assert.Contains(report.Checks, c => c.Name == name && c.Ok);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void RestrictedHandlesNeitherBackUpNorRestoreNorVerify()
    {
        using var db = Workspace();
        Fill(db);
        string path = File("w.backup");
        db.Backup(path);
        db.Profiles.Define("""{"name": "desk", "groups": {"standard": "read_only"}}""");
        using CrmDatabase desk = db.Restrict("desk");
        Assert.Equal("operation", Assert.Throws<CrmDeniedException>(() => desk.Backup(File("x.backup"))).Rule);
        Assert.Equal("operation", Assert.Throws<CrmDeniedException>(() => desk.Restore(path)).Rule);
        Assert.Throws<CrmDeniedException>(() => desk.Verify());
    }
}
