package org.mtl4j.datasets;

import java.util.Locale;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;

/**
 * The Taskonomy tasks of Standley et al. (ICML 2020), with their letters, on-disk domains, PNG encodings, target
 * normalisations and losses, exactly as {@code taskonomy_loader.py} and {@code taskonomy_losses.py} of
 * github.com/tstandley/taskgrouping define them (encodings from github.com/StanfordVL/taskonomy,
 * {@code data/README.md}). {@code v} is a stored PNG sample:
 *
 * <table>
 *   <caption>Decodings</caption>
 *   <tr><th>letter</th><th>domain</th><th>PNG</th><th>target</th><th>loss</th></tr>
 *   <tr><td>s</td><td>segment_semantic</td><td>8-bit gray, ids 0…17</td><td>id; 0 ("uncertain") → −1</td>
 *       <td>cross-entropy over 18 classes ignoring −1 (= Standley's {@code ignore_index=0})</td></tr>
 *   <tr><td>d</td><td>depth_zbuffer</td><td>16-bit gray, v/512 m, 65535 = no surface</td>
 *       <td>(v − 1500)/1000, masked where v ≥ 8192</td><td>{@link StandleyMaskedL1}</td></tr>
 *   <tr><td>n</td><td>normal</td><td>8-bit RGB</td><td>(v/255 − 0.5)·2, masked</td>
 *       <td>{@link StandleyMaskedL1}</td></tr>
 *   <tr><td>k</td><td>keypoints2d</td><td>16-bit gray</td><td>(v − 50)/100</td><td>plain L1</td></tr>
 *   <tr><td>t</td><td>edge_texture</td><td>16-bit gray</td><td>(v − 718)/1070</td><td>plain L1</td></tr>
 *   <tr><td>e</td><td>edge_occlusion</td><td>16-bit gray</td><td>(v − 56.0248)/239.1265, masked</td>
 *       <td>{@link StandleyMaskedL1}</td></tr>
 *   <tr><td>r</td><td>reshading</td><td>8-bit RGB (or gray)</td><td>(mean over channels of v/255 − 0.4962)/0.2846,
 *       masked</td><td>{@link StandleyMaskedL1}</td></tr>
 *   <tr><td>c</td><td>principal_curvature</td><td>8-bit RGB</td>
 *       <td>channels 0, 1: (v/255 − (0.5175, 0.4987))/(0.1373, 0.0359), masked</td>
 *       <td>{@link StandleyMaskedL1}</td></tr>
 *   <tr><td>a</td><td>rgb (autoencoder)</td><td>8-bit RGB</td><td>v/255</td><td>plain L1</td></tr>
 * </table>
 *
 * <p>"Masked" pixels — where Standley's mask is 0, i.e. the depth is 16 m or more or missing — are stored as
 * {@link StandleyMaskedL1#INVALID}. Depth in metres is {@code v/512 = (1000·t + 1500)/512}.
 */
public enum TaskonomyTask {

    /** Semantic segmentation: 18 ids, 0 = uncertain (ignored). */
    SEGMENT_SEMANTIC("s", "segment_semantic", 18, false),
    /** Z-buffer depth, 16-bit, value/512 = metres. */
    DEPTH_ZBUFFER("d", "depth_zbuffer", 1, true),
    /** Surface normals, 8-bit RGB, 127-centred. */
    NORMAL("n", "normal", 3, true),
    /** 2D keypoint heat map (SURF-like blob detector), 16-bit. */
    KEYPOINTS2D("k", "keypoints2d", 1, false),
    /** Texture (Canny, no non-maximum suppression) edges, 16-bit. */
    EDGE_TEXTURE("t", "edge_texture", 1, false),
    /** Occlusion edges, 16-bit. */
    EDGE_OCCLUSION("e", "edge_occlusion", 1, true),
    /** Reshading, 8-bit. */
    RESHADING("r", "reshading", 1, true),
    /** Principal curvature, 8-bit RGB, channels 0 and 1. */
    PRINCIPAL_CURVATURE("c", "principal_curvature", 2, true),
    /** Autoencoding the RGB input. */
    RGB_AUTOENCODER("a", "rgb", 3, false);

    /** Every letter, in Standley's order. */
    public static final String LETTERS = "sdnkterca";

    /** Standley's depth mask threshold on the raw 16-bit value: {@code 2^13 = 8192} (16 m). */
    public static final int DEPTH_MASK_LIMIT = 1 << 13;

    /** The largest segment id (17: ids 2…17 are 16 COCO classes, 1 is background, 0 uncertain). */
    public static final int MAX_SEGMENT_ID = 17;

    private final String letter;
    private final String domain;
    private final int channels;
    private final boolean masked;

    TaskonomyTask(String letter, String domain, int channels, boolean masked) {
        this.letter = letter;
        this.domain = domain;
        this.channels = channels;
        this.masked = masked;
    }

    /**
     * Returns the task of a letter.
     *
     * @param letter one of {@link #LETTERS}
     * @return the task
     * @throws IllegalArgumentException naming the letter and the available ones
     */
    public static TaskonomyTask byLetter(String letter) {
        for (TaskonomyTask t : values()) {
            if (t.letter.equals(letter)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown Taskonomy task '" + letter + "'; available: "
                + String.join(",", LETTERS.split("")));
    }

    /** @return the task letter (the mtl4j task name) */
    public String letter() {
        return letter;
    }

    /** @return the folder and file-name domain, for example {@code depth_zbuffer} */
    public String domain() {
        return domain;
    }

    /** @return the output channels (classes for segmentation) */
    public int channels() {
        return channels;
    }

    /** @return whether Standley masks this task's loss with the depth mask */
    public boolean masked() {
        return masked;
    }

    /** @return whether the PNG holds 16-bit samples */
    public boolean sixteenBit() {
        return this == DEPTH_ZBUFFER || this == KEYPOINTS2D || this == EDGE_TEXTURE || this == EDGE_OCCLUSION;
    }

    /**
     * Returns the mtl4j task definition: its loss as above; metrics mIoU and pixel accuracy for {@code s},
     * {@code standley_l1} (the loss pooled over a split) and the absolute error over valid pixels for masked tasks,
     * the absolute error (= Standley's plain L1) for the others.
     *
     * @return the task
     */
    public Task task() {
        Task.Builder b = Task.builder(letter).dense(channels);
        if (this == SEGMENT_SEMANTIC) {
            return b.loss(TaskLosses.crossEntropy()).metric(TaskMetrics.meanIoU(TaskLosses.DEFAULT_IGNORE_LABEL))
                    .metric(TaskMetrics.accuracy(TaskLosses.DEFAULT_IGNORE_LABEL)).build();
        }
        if (masked) {
            return b.loss(new StandleyMaskedL1()).metric(StandleyMaskedL1.metric())
                    .metric(TaskMetrics.absError(StandleyMaskedL1.INVALID)).build();
        }
        return b.loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build();
    }

    /**
     * Checks the PNG layout this domain is stored in.
     *
     * @param png the decoded PNG
     * @throws MalformedDataException naming the file, the expected and the found layout
     */
    void checkLayout(PngImage png) throws MalformedDataException {
        switch (this) {
            case SEGMENT_SEMANTIC:
                png.require(1, 8, domain);
                break;
            case RESHADING:
                if (png.bands() != 1) {
                    png.require(3, 8, domain);
                } else {
                    png.require(1, 8, domain);
                }
                break;
            case NORMAL:
            case PRINCIPAL_CURVATURE:
            case RGB_AUTOENCODER:
                png.require(3, 8, domain);
                break;
            default:
                png.require(1, 16, domain);
                break;
        }
    }

    /**
     * Decodes stored samples (already resized) into the normalised target, channels first.
     *
     * @param samples the stored samples, {@code (h, w, bands)}
     * @param bands the samples per pixel
     * @param pixels {@code h · w}
     * @param mask per pixel, whether Standley's mask is 1 (null for unmasked tasks)
     * @param flipped whether the sample was mirrored left to right (normal x is then negated, as Standley does)
     * @param file the file, for messages
     * @return the target, {@code (channels, h, w)}
     * @throws MalformedDataException when a segment id is out of range
     */
    float[] decode(int[] samples, int bands, int pixels, boolean[] mask, boolean flipped, java.nio.file.Path file)
            throws MalformedDataException {
        float[] out = new float[(this == SEGMENT_SEMANTIC ? 1 : channels) * pixels];
        switch (this) {
            case SEGMENT_SEMANTIC:
                for (int i = 0; i < pixels; i++) {
                    int id = samples[i];
                    if (id > MAX_SEGMENT_ID) {
                        throw new MalformedDataException(file, String.format(Locale.ROOT,
                                "segment id %d at pixel %d is out of range 0..%d", id, i, MAX_SEGMENT_ID));
                    }
                    out[i] = id == 0 ? TaskLosses.DEFAULT_IGNORE_LABEL : id;
                }
                return out;
            case DEPTH_ZBUFFER:
                for (int i = 0; i < pixels; i++) {
                    out[i] = (float) ((samples[i] - 1500.0) / 1000.0);
                }
                break;
            case KEYPOINTS2D:
                for (int i = 0; i < pixels; i++) {
                    out[i] = (float) ((samples[i] - 50.0) / 100.0);
                }
                break;
            case EDGE_TEXTURE:
                for (int i = 0; i < pixels; i++) {
                    out[i] = (float) ((samples[i] - 718.0) / 1070.0);
                }
                break;
            case EDGE_OCCLUSION:
                for (int i = 0; i < pixels; i++) {
                    out[i] = (float) ((samples[i] - 56.0248) / 239.1265);
                }
                break;
            case NORMAL:
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < pixels; i++) {
                        float v = (float) ((samples[i * 3 + c] / 255.0 - 0.5) * 2.0);
                        out[c * pixels + i] = c == 0 && flipped ? -v : v;
                    }
                }
                break;
            case RESHADING:
                for (int i = 0; i < pixels; i++) {
                    double sum = 0;
                    for (int b = 0; b < bands; b++) {
                        sum += samples[i * bands + b] / 255.0;
                    }
                    out[i] = (float) ((sum / bands - 0.4962) / 0.2846);
                }
                break;
            case PRINCIPAL_CURVATURE:
                for (int i = 0; i < pixels; i++) {
                    out[i] = (float) ((samples[i * 3] / 255.0 - 0.5175) / 0.1373);
                    out[pixels + i] = (float) ((samples[i * 3 + 1] / 255.0 - 0.4987) / 0.0359);
                }
                break;
            case RGB_AUTOENCODER:
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < pixels; i++) {
                        out[c * pixels + i] = (float) (samples[i * 3 + c] / 255.0);
                    }
                }
                break;
            default:
                throw new AssertionError(this);
        }
        if (masked) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < pixels; i++) {
                    if (!mask[i]) {
                        out[c * pixels + i] = StandleyMaskedL1.INVALID;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Standley's depth mask of stored depth samples: {@code v < 8192}.
     *
     * @param depth the stored 16-bit depth samples
     * @return per pixel, whether it is valid
     */
    static boolean[] depthMask(int[] depth) {
        boolean[] m = new boolean[depth.length];
        for (int i = 0; i < depth.length; i++) {
            m[i] = depth[i] < DEPTH_MASK_LIMIT;
        }
        return m;
    }

    @Override
    public String toString() {
        return letter + " (" + domain + ")";
    }
}
