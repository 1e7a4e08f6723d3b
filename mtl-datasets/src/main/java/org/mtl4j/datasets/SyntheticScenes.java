package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;
import org.mtl4j.datasets.synthetic.SceneClass;
import org.mtl4j.datasets.synthetic.SceneRenderer;
import org.mtl4j.datasets.synthetic.SceneSample;

/**
 * The embedded synthetic scenes as a multi-task data set, with the task letters of Taskonomy as used by Standley et
 * al. (ICML 2020): {@code s} semantic segmentation (6 classes, cross-entropy), {@code d} z-depth in metres (L1),
 * {@code n} surface normals (1 − cos), {@code k} 2D keypoint heat map, {@code t} texture edges, {@code e} occlusion
 * edges, {@code r} reshading, {@code c} principal curvature (2 channels) — the last five with the L1 loss Standley
 * used. Samples are rendered on the spot, in parallel, and are a pure function of (seed, index, resolution).
 */
public final class SyntheticScenes {

    /** Every task letter the scenes provide. */
    public static final String LETTERS = "sdnkterc";

    private SyntheticScenes() {}

    /**
     * Parses a comma-separated list of task letters, for example {@code "s,d,n,k,e"}.
     *
     * @param spec the list
     * @return the letters, in the given order
     * @throws IllegalArgumentException naming an unknown or repeated letter
     */
    public static ImmutableList<String> parseLetters(String spec) {
        checkArgument(spec != null && !spec.isBlank(), "no tasks given; choose from %s", String.join(",",
                LETTERS.split("")));
        Set<String> seen = new LinkedHashSet<>();
        for (String s : Splitter.on(',').trimResults().omitEmptyStrings().split(spec)) {
            checkArgument(s.length() == 1 && LETTERS.contains(s),
                    "unknown task '%s'; the synthetic scenes provide %s", s, String.join(",", LETTERS.split("")));
            checkArgument(seen.add(s), "task '%s' is listed twice", s);
        }
        checkArgument(!seen.isEmpty(), "no tasks given");
        return ImmutableList.copyOf(seen);
    }

    /**
     * The task definition of one letter.
     *
     * @param letter the task letter
     * @return the task
     */
    public static Task task(String letter) {
        switch (letter) {
            case "s":
                return Task.segmentation("s", SceneClass.COUNT);
            case "d":
                return Task.builder("d").dense(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError())
                        .metric(TaskMetrics.relError(0f)).build();
            case "n":
                return Task.builder("n").dense(3).loss(TaskLosses.normal()).metric(TaskMetrics.meanAngle())
                        .metric(TaskMetrics.medianAngle()).metric(TaskMetrics.angleWithin(11.25))
                        .metric(TaskMetrics.angleWithin(30)).build();
            case "c":
                return Task.denseRegression("c", 2);
            case "k":
            case "t":
            case "e":
            case "r":
                return Task.denseRegression(letter, 1);
            default:
                throw new IllegalArgumentException("unknown task '" + letter + "'; the synthetic scenes provide "
                        + String.join(",", LETTERS.split("")));
        }
    }

    /**
     * The task definitions of several letters.
     *
     * @param letters the letters
     * @return the tasks, in the same order
     */
    public static ImmutableList<Task> tasks(List<String> letters) {
        return letters.stream().map(SyntheticScenes::task).collect(ImmutableList.toImmutableList());
    }

    /**
     * Renders a data set.
     *
     * @param letters the tasks, in output order
     * @param size the height and width in pixels
     * @param seed the scene seed
     * @param firstIndex the first sample index (train and validation use disjoint ranges)
     * @param count the number of samples
     * @param threads rendering threads
     * @return the data set
     */
    public static InMemoryMultiTaskDataset render(List<String> letters, int size, long seed, long firstIndex,
            int count, int threads) {
        checkArgument(count > 0, "sample count must be positive, got %s", count);
        SceneRenderer renderer = new SceneRenderer(size, size);
        List<SceneSample> samples = renderer.renderAll(seed, firstIndex, count, threads);
        List<Shape> shapes = new ArrayList<>();
        for (String l : letters) {
            shapes.add(l.equals("s") ? new Shape(size, size) : new Shape(channels(l), size, size));
        }
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(3, size, size), shapes);
        for (SceneSample s : samples) {
            float[][] labels = new float[letters.size()][];
            for (int k = 0; k < letters.size(); k++) {
                labels[k] = label(s, letters.get(k));
            }
            b.add(s.rgb(), labels);
        }
        return b.build();
    }

    static int channels(String letter) {
        switch (letter) {
            case "n":
                return 3;
            case "c":
                return 2;
            default:
                return 1;
        }
    }

    static float[] label(SceneSample s, String letter) {
        switch (letter) {
            case "s": {
                int[] ids = s.semantic();
                float[] f = new float[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    f[i] = ids[i];
                }
                return f;
            }
            case "d":
                return s.depth();
            case "n":
                return s.normals();
            case "k":
                return s.keypoints();
            case "t":
                return s.textureEdges();
            case "e":
                return s.occlusionEdges();
            case "r":
                return s.reshading();
            case "c":
                return s.curvature();
            default:
                throw new IllegalArgumentException("unknown task '" + letter + "'");
        }
    }
}
