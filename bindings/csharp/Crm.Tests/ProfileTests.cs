using System.Text.Json;

namespace Crm.Tests;

/// <summary>Access profiles (CrmDatabase.Profiles) and restricted handles (Restrict, Profile,
/// CrmDeniedException), on the backend under test.</summary>
public class ProfileTests
{
    private const string FrontDesk =
        """{"name": "front_desk", "groups": {"contact": "read_write", "standard": "read_only"}, "fields": {"balance": "hidden"}}""";

    private static (CrmDatabase Db, long Ada) Clinic(CrmDatabase db)
    {
        db.UpdateField("city", new FieldPatch { Group = "contact" });  // a standard field
        db.DefineField(new FieldDefinition { Name = "balance", Type = FieldType.Decimal, Scale = 2, Group = "finance" });
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("city", "Oslo"), ("balance", 12.50m)));
        return (db, ada);
    }

    [Fact]
    public void DefineGetListDrop()
    {
        using var db = TestWorkspace.OpenEmpty();
        Clinic(db);
        Assert.Empty(db.Profiles.List());
        db.Profiles.Define(FrontDesk);
        db.Profiles.Define("""{"name": "auditor", "groups": {"standard": "read_only"}}""");
        Assert.Equal(["auditor", "front_desk"], db.Profiles.List());
        using (JsonDocument stored = JsonDocument.Parse(db.Profiles.Get("front_desk")))
        {
            Assert.Equal("front_desk", stored.RootElement.GetProperty("name").GetString());
            Assert.Equal("hidden", stored.RootElement.GetProperty("fields").GetProperty("balance").GetString());
        }
        db.Profiles.Drop("auditor");
        Assert.Equal(["front_desk"], db.Profiles.List());
        var missing = Assert.Throws<NotFoundException>(() => db.Profiles.Get("auditor"));
        Assert.Equal("profile", missing.Rule);
        Assert.Throws<NotFoundException>(() => db.Profiles.Drop("auditor"));
        var bad = Assert.Throws<ValidationException>(() => db.Profiles.Define("""{"name": "x", "colour": "blue"}"""));
        Assert.Equal("profile", bad.Rule);
    }

    [Fact]
    public void ARestrictedHandleDoesNotSeeAHiddenField()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (_, ada) = Clinic(db);
        db.Profiles.Define(FrontDesk);
        Assert.Equal("", db.Profile);
        using (CrmDatabase view = db.Restrict("front_desk", actor: "desk-1"))
        {
            Assert.Equal("front_desk", view.Profile);
            Customer seen = view.GetCustomer(ada);
            Assert.Equal("Oslo", seen.GetString("city"));
            Assert.False(seen.ContainsKey("balance"));
            Assert.Equal(1, view.Count(new Query { Filter = "city = 'Oslo'" }));
            var denied = Assert.ThrowsAny<CrmDeniedException>(() => view.Count(new Query { Filter = "balance > 1" }));
            Assert.Equal("hidden", denied.Rule);
            Assert.Equal("balance", denied.Field);
        }
        Assert.True(db.GetCustomer(ada).ContainsKey("balance"));
        var unknown = Assert.Throws<NotFoundException>(() => db.Restrict("nobody"));
        Assert.Equal("profile", unknown.Rule);
    }

    [Fact]
    public void AWriteTheProfileDoesNotGrantIsDenied()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (_, ada) = Clinic(db);
        db.Profiles.Define(FrontDesk);
        using (CrmDatabase view = db.Restrict("front_desk"))
        {
            view.UpdateCustomer(ada, TestWorkspace.Row(("city", "Bergen")));
            var e = Assert.Throws<CrmDeniedException>(() =>
                view.UpdateCustomer(ada, TestWorkspace.Row(("name", "Ada L."))));
            Assert.Equal(StatusCode.Denied, e.Code);
            Assert.Equal("not_writable", e.Rule);
            Assert.Equal("name", e.Field);
            var operation = Assert.Throws<CrmDeniedException>(() => view.Profiles.List());
            Assert.Equal("operation", operation.Rule);
            Assert.Throws<CrmDeniedException>(() => view.Restrict("front_desk"));
        }
        Customer stored = db.GetCustomer(ada);
        Assert.Equal("Ada", stored.GetString("name"));
        Assert.Equal("Bergen", stored.GetString("city"));
    }

    [Fact]
    public void AViewOutlivesTheHandleItCameFrom()
    {
        CrmDatabase view;
        long ada;
        using (var db = TestWorkspace.OpenEmpty())
        {
            (_, ada) = Clinic(db);
            db.Profiles.Define(FrontDesk);
            view = db.Restrict("front_desk");
        }
        using (view)
        {
            Assert.Equal("Oslo", view.GetCustomer(ada).GetString("city"));
            view.UpdateCustomer(ada, TestWorkspace.Row(("city", "Trondheim")));
            Assert.Equal("Trondheim", view.GetCustomer(ada).GetString("city"));
        }
        Assert.True(view.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => view.GetCustomer(ada));
    }

    [Fact]
    public void DisposingAViewLeavesTheAdminHandleOpen()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (_, ada) = Clinic(db);
        db.Profiles.Define(FrontDesk);
        using (CrmDatabase view = db.Restrict("front_desk")) view.GetCustomer(ada);
        Assert.False(db.IsDisposed);
        Assert.Equal("Oslo", db.GetCustomer(ada).GetString("city"));
        db.Profiles.Drop("front_desk");
    }

    [Fact]
    public void ADroppedProfileDeniesItsViews()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (_, ada) = Clinic(db);
        db.Profiles.Define(FrontDesk);
        using CrmDatabase view = db.Restrict("front_desk");
        db.Profiles.Drop("front_desk");
        var e = Assert.Throws<CrmDeniedException>(() => view.GetCustomer(ada));
        Assert.Equal("profile", e.Rule);
    }
}
