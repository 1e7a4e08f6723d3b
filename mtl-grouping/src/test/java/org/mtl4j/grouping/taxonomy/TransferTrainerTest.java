package org.mtl4j.grouping.taxonomy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.data.TaskSubsetDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.grouping.study.StudyData;

/** Readouts on frozen encoders, and the whole transfer training on tiny data. */
class TransferTrainerTest {

    private static TrainingSettings settings(int epochs) {
        return TrainingSettings.builder().epochs(epochs).batchSize(8).learningRate(1e-2f).seed(3).progressBar(false)
                .verbose(false).build();
    }

    private static List<float[]> values(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(p.getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void aReadoutTrainsOnlyItsHeadAndLeavesTheSourceUntouched() {
        List<Task> tasks = TestData.tasks();
        InMemoryMultiTaskDataset data = TestData.dataset(16, 6, 5, 0);
        try (MultiTaskModel source = MultiTask.builder().input(3, 6, 6).encoder(FactoryHardSharing.convEncoder(4))
                .sharing(FactoryHardSharing.architecture()).task(tasks.get(0)).settings(settings(1)).build()) {
            source.fit(new TaskSubsetDataset(data, 3, 0), null);
            List<Parameter> sourceParams = source.network().getParameters().values();
            List<float[]> before = values(sourceParams);
            try (MultiTaskModel readout = MultiTask.builder().input(3, 6, 6)
                    .encoder(FrozenEncoder.factory(List.of(source.network(), source.network()), 8, 1))
                    .sharing(FactoryHardSharing.architecture()).task(tasks.get(1)).settings(settings(2)).build()) {
                List<String> names = readout.network().getParameters().keys();
                assertEquals(4, names.size(), "only the readout head's two layers: " + names);
                assertTrue(names.stream().allMatch(n -> n.contains("head_reg")), names.toString());
                List<float[]> headBefore = values(readout.network().getParameters().values());
                readout.fit(new TaskSubsetDataset(data, 3, 1), null);
                List<float[]> headAfter = values(readout.network().getParameters().values());
                assertTrue(!java.util.Arrays.equals(headBefore.get(0), headAfter.get(0)), "the readout learns");
                assertEquals(new Shape(1, 8, 6, 6), readout.network().encode(
                        new ai.djl.training.ParameterStore(readout.djlModel().getNDManager(), false),
                        new ai.djl.ndarray.NDList(readout.djlModel().getNDManager().zeros(new Shape(1, 3, 6, 6))),
                        false, null).head().getShape(), "two sources concatenated on the channel axis");
            }
            List<float[]> after = values(sourceParams);
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i), "source parameter " + sourceParams.get(i).getName());
            }
        }
    }

    @Test
    void transferResultsCoverEveryContenderAndFeedTheTaxonomy() {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 6, 1, 0);
        InMemoryMultiTaskDataset test = TestData.dataset(10, 6, 2, 0);
        StudyData data = StudyData.of(TestData.tasks(), train, test, test, new Shape(3, 6, 6), "test data");
        List<String> progress = new ArrayList<>();
        TransferTrainer trainer = new TransferTrainer(data, FactoryHardSharing.architecture(),
                FactoryHardSharing::convEncoder).width(4).epochs(2).readoutEpochs(2).transferSamples(8).batchSize(8)
                .maxOrder(2).progress((label, done, total, s) -> progress.add(done + "/" + total + " " + label));
        assertEquals(3 + 3 + 3 * 2 + 3, trainer.networkCount());
        TransferResults r;
        try {
            r = trainer.run();
        } catch (RuntimeException e) {
            throw new AssertionError("after " + progress, e);
        }
        assertEquals(15, progress.size(), progress.toString());
        assertEquals("15/15 nrm from reg", progress.get(14).replace("seg+", ""), progress.toString());
        for (String t : List.of("seg", "reg", "nrm")) {
            List<String> labels = r.transfers(t).stream().map(TransferResults.Transfer::label).toList();
            assertEquals(5, labels.size(), labels.toString());
            assertTrue(labels.contains(t) && labels.contains("scratch"), labels.toString());
            for (TransferResults.Transfer tr : r.transfers(t)) {
                assertEquals(10, tr.losses().length);
                assertTrue(tr.meanLoss() > 0, tr.label());
            }
        }
        assertTrue(r.transfers("seg").stream().anyMatch(tr -> tr.label().equals("reg+nrm")));
        TaxonomySelection s = TaxonomyProblem.of(r, 2).solve(1);
        assertEquals(1, s.sources().size());
        assertEquals(3, s.transfer().size());
    }

    @Test
    void aKilledTaxonomyContinuesNetworkByNetworkWithTheSameResults(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 6, 1, 0);
        InMemoryMultiTaskDataset test = TestData.dataset(10, 6, 2, 0);
        StudyData data = StudyData.of(TestData.tasks(), train, test, test, new Shape(3, 6, 6), "test data");
        List<String> progress = new ArrayList<>();
        java.util.function.Supplier<TransferTrainer> trainer = () -> new TransferTrainer(data,
                FactoryHardSharing.architecture(), FactoryHardSharing::convEncoder).width(4).epochs(2)
                .readoutEpochs(2).transferSamples(8).batchSize(8).maxOrder(1).directory(dir)
                .progress((label, done, total, s) -> progress.add(label));
        TransferResults first = trainer.get().run();
        assertEquals(3 + 3 + 6, progress.size());
        assertTrue(progress.stream().noneMatch(l -> l.endsWith("(from disk)")), progress.toString());

        progress.clear();
        TransferResults again = trainer.get().run();
        assertTrue(progress.stream().allMatch(l -> l.endsWith("(from disk)")), progress.toString());
        assertEquals(first.toCsv(), again.toCsv(), "everything reused, identical results");

        // as after a kill: one readout and one source checkpoint are missing
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("nrm-reg-") || n.startsWith("source-seg-") && n.endsWith(".ckpt")) {
                    java.nio.file.Files.delete(f);
                }
            }
        }
        progress.clear();
        TransferResults resumed = trainer.get().run();
        List<String> trained = progress.stream().filter(l -> !l.endsWith("(from disk)")).toList();
        assertEquals(List.of("source seg", "nrm from reg"), trained, progress.toString());
        assertEquals(first.toCsv(), resumed.toCsv(), "retrained networks give the same losses (same seeds)");
    }
}
