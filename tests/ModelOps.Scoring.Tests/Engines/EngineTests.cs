using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Onnx;
using ModelOps.Registry;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;
using OnnxTensor = ModelOps.Onnx.Tensor;

namespace ModelOps.Scoring.Tests.Engines;

public sealed class EngineTests
{
    private readonly EngineSelector _engines = new();

    [Fact]
    public void A_model_with_operators_our_engine_lacks_is_scored_by_OnnxRuntime_and_equals_OnnxRuntime_directly()
    {
        byte[] artifact = TestArtifacts.Softplus;
        FluentActions.Invoking(() => new ModelOpsEngine().Load(artifact, CancellationToken.None)).Should().Throw<EngineUnsupportedException>();
        using var model = new LoadedModel("softplus", 1, _engines.Load(artifact, preferOnnxRuntime: false, CancellationToken.None), artifact.Length);
        model.Session.Engine.Should().Be(EngineKind.OnnxRuntime);
        model.Schema.Layout.Should().Be(InputLayout.Vector);
        model.Schema.VectorWidth.Should().Be(20);
        model.Schema.BatchSize.Should().Be(10);

        // 13 rows: one full chunk of the graph's fixed batch of 10, then a padded one.
        float[][] rows = Enumerable.Range(0, 13).Select(r => Enumerable.Range(0, 20).Select(c => (float)Math.Round(Math.Sin((r * 20) + c) * 5, 2)).ToArray()).ToArray();
        ValidatedRows validated = RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8(TestArtifacts.SoftplusBody(rows)), new RequestLimits()).Rows, model.Schema, keyField: null);
        IReadOnlyList<RowOutputs> scored = model.Score(validated, CancellationToken.None);

        float[][] expected = TestArtifacts.SoftplusByOnnxRuntime(rows);
        for (int r = 0; r < rows.Length; r++)
        {
            scored[r].Outputs!["1"].Should().Equal(expected[r].Select(v => (double)v), "row {0}", r);
        }
    }

    [Fact]
    public void Our_exported_Telco_pipeline_is_scored_by_our_engine_and_equals_its_direct_output()
    {
        byte[] artifact = TestArtifacts.TelcoGlm;
        using var model = new LoadedModel("telco", 1, _engines.Load(artifact, preferOnnxRuntime: false, CancellationToken.None), artifact.Length);
        model.Session.Engine.Should().Be(EngineKind.ModelOps);
        model.Schema.Layout.Should().Be(InputLayout.ColumnPerFeature);

        IReadOnlyList<RowOutputs> scored = Score(model, TestArtifacts.TelcoRowsJson(0, 200));

        OnnxModel direct = OnnxModel.Load(artifact);
        IReadOnlyDictionary<string, OnnxTensor> expected = direct.CreateSession().Run(ModelInputs.FromDataset(direct, TelcoData.Test.Slice(0, 200)));
        double[] p = expected["probabilities"].As<double>();
        string[] labels = expected["label"].As<string>();
        for (int r = 0; r < 200; r++)
        {
            scored[r].Label.Should().Be(labels[r]);
            scored[r].Probabilities!["Yes"].Should().Be(p[(2 * r) + 1]);
            scored[r].Probabilities!["No"].Should().Be(p[2 * r]);
        }
    }

    [Fact]
    public void A_registration_that_asks_for_OnnxRuntime_is_scored_by_it_and_agrees_with_ours()
    {
        byte[] artifact = TestArtifacts.TelcoGbdt;
        using var ours = new LoadedModel("telco", 1, _engines.Load(artifact, preferOnnxRuntime: false, CancellationToken.None), artifact.Length);
        using var ort = new LoadedModel("telco", 1, _engines.Load(artifact, preferOnnxRuntime: true, CancellationToken.None), artifact.Length);
        ort.Session.Engine.Should().Be(EngineKind.OnnxRuntime);
        EngineSelector.PrefersOnnxRuntime(["churn", EngineSelector.PreferenceTag]).Should().BeTrue();

        string body = TestArtifacts.TelcoRowsJson(0, 100);
        IReadOnlyList<RowOutputs> a = Score(ours, body), b = Score(ort, body);
        for (int r = 0; r < 100; r++)
        {
            b[r].Label.Should().Be(a[r].Label);
            b[r].Probabilities!["Yes"].Should().BeApproximately(a[r].Probabilities!["Yes"], 1e-6);
        }
    }

    [Fact]
    public void The_cross_check_accepts_a_model_both_engines_agree_on_and_reports_its_opsets()
    {
        var validator = new CrossCheckedArtifactValidator(new RegistryOptions(), _engines);

        ArtifactFacts telco = validator.Validate(TestArtifacts.TelcoGlm, ModelSchema.Empty, CancellationToken.None);
        ArtifactFacts softplus = validator.Validate(TestArtifacts.Softplus, ModelSchema.Empty, CancellationToken.None);

        telco.Schema.Outputs.Select(o => o.Name).Should().Contain(["label", "probabilities"]);
        softplus.Opsets.Should().ContainKey("ai.onnx").WhoseValue.Should().Be(6);
        softplus.Schema.Inputs.Should().ContainSingle(i => i.Name == "0" && i.ElementType == "float");
    }

    [Fact]
    public void The_cross_check_refuses_a_model_the_engines_disagree_on_naming_the_output()
    {
        var skewed = new EngineSelector(new SkewedEngine(new ModelOpsEngine(), "probabilities"), new OnnxRuntimeEngine());
        var validator = new CrossCheckedArtifactValidator(new RegistryOptions(), skewed);

        Action act = () => validator.Validate(TestArtifacts.TelcoGlm, ModelSchema.Empty, CancellationToken.None);

        act.Should().Throw<ModelOps.Registry.InvalidModelException>()
            .Which.Reasons.Should().Contain(r => r.StartsWith("Engines disagree on output 'probabilities'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_with_inputs_of_neither_layout_is_refused_at_load_naming_its_inputs()
    {
        byte[] artifact = TestArtifacts.PyTorchConverted("test_ELU");
        ScoringSession session = _engines.Load(artifact, preferOnnxRuntime: false, CancellationToken.None);

        Action act = () => _ = new LoadedModel("elu", 1, session, artifact.Length);

        act.Should().Throw<ModelLoadException>().WithMessage("*0: Float[3,2,5]*");
        session.Dispose();
    }

    internal static IReadOnlyList<RowOutputs> Score(LoadedModel model, string body) =>
        model.Score(RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8(body), new RequestLimits()).Rows, model.Schema, null), CancellationToken.None);

    /// <summary>Our engine with one output nudged: what a kernel bug would look like to the cross-check.</summary>
    private sealed class SkewedEngine(IScoringEngine inner, string output) : IScoringEngine
    {
        public EngineKind Kind => inner.Kind;

        public ScoringSession Load(ReadOnlyMemory<byte> artifact, CancellationToken cancellationToken) => new Session(inner.Load(artifact, cancellationToken), output);

        private sealed class Session(ScoringSession inner, string output) : ScoringSession
        {
            public override EngineKind Engine => inner.Engine;

            public override IReadOnlyList<ModelValueInfo> Inputs => inner.Inputs;

            public override IReadOnlyList<ModelValueInfo> Outputs => inner.Outputs;

            public override IReadOnlyDictionary<string, string> Metadata => inner.Metadata;

            public override IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs, CancellationToken cancellationToken)
            {
                var outputs = new Dictionary<string, OnnxTensor>(inner.Run(inputs, cancellationToken));
                double[] values = (double[])outputs[output].As<double>().Clone();
                values[0] += 0.01;
                outputs[output] = OnnxTensor.FromDoubles(values, outputs[output].Shape);
                return outputs;
            }
        }
    }
}
