package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.grouping.estimators.SampledHigherOrderAffinityTest.LinearModelExecutor;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.study.StudyApproximation;

/**
 * The specs of the study, the sampled estimator and the recipe, pinned: candidate folders are keyed by
 * {@link CandidateSpec#id()}, so any change in a spec would silently stop reuse of finished networks.
 */
class NetworkRecipeTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    /** The file names (network, epochs, id) of specs, hashed: one value pins every component of every spec. */
    private static String fingerprint(List<CandidateSpec> specs) {
        List<String> names = new ArrayList<>();
        for (CandidateSpec s : specs) {
            names.add(s.fileName());
        }
        return Hashing.sha256().hashString(String.join("\n", names), StandardCharsets.UTF_8).toString()
                .substring(0, 16);
    }

    private static GroupingStudy.Builder study() {
        return GroupingStudy.builder().tasks(TASKS).dataDescription("linear").directory(Path.of("unused"))
                .executor(new LinearModelExecutor());
    }

    private static SampledHigherOrderAffinity.Builder sampled() {
        return SampledHigherOrderAffinity.builder().tasks(TASKS).dataDescription("linear").subsetSize(2).subsets(3)
                .halves(true).executor(new LinearModelExecutor());
    }

    @Test
    void specsAreUnchangedSoFinishedNetworksAreStillReused() {
        assertEquals("5436ac5715eca6ca", fingerprint(study().build().plan()));
        List<CandidateSpec> custom = study().architecture("cnn").width(20).halfWidth(9).epochs(3).batchSize(8)
                .learningRate(1e-3f).seed(7).build().plan();
        assertEquals(new CandidateSpec("linear", "a(half)", List.of("a"), true, 0.5, "cnn", 9, 3, 8, 1e-3f, 7),
                custom.get(0));
        assertEquals(new CandidateSpec("linear", "ac", List.of("a", "c"), false, 1.0, "cnn", 20, 3, 8, 1e-3f, 7),
                custom.get(7));
        assertEquals("202258a541d1d168", fingerprint(custom));
        NetworkRecipe built = NetworkRecipe.builder().architecture("cnn").width(20).halfWidth(9).epochs(3)
                .batchSize(8).learningRate(1e-3f).seed(7).build("linear", TASKS);
        assertEquals(custom.get(0), built.spec(List.of("a"), true));
        assertEquals(custom.get(7), built.spec(List.of("c", "a")));
        assertEquals(GroupingStudy.halfWidth(16), NetworkRecipe.of("linear", TASKS).halfWidth());
        assertEquals("561f6b988b093d19", fingerprint(study().approximation(StudyApproximation.ESA).esaFraction(0.5)
                .build().plan()));
        assertEquals("cc184fac4e3be73c", fingerprint(sampled().build().plan()));
        assertEquals("17151133b42379bb", fingerprint(sampled().architecture("cnn").width(20).halfWidth(9).epochs(3)
                .batchSize(8).learningRate(1e-3f).seed(7).build().plan()));
        NetworkRecipe recipe = new NetworkRecipe("linear", ImmutableList.copyOf(TASKS), "cnn", 20, 3, 8, 1e-3f, 7);
        assertEquals("2d219056ac2dba16", fingerprint(List.of(recipe.spec(List.of("c", "a")), recipe.spec(TASKS),
                NetworkRecipe.of("linear", TASKS).spec(List.of("b")))));
    }
}
