"""Every image the charts run, in any profile or example, has an image twin under exactly that name
(bin/cluster imports the twins as the charts reference them, so a pod of any profile finds its image
on the live tier's node; a new image or tag without a twin would leave its pods in ErrImageNeverPull)."""
from chartsuite.cluster import images, oci
from chartsuite.model import paths
from chartsuite.release.package import chart_images


def test_every_rendered_image_has_a_twin_of_that_exact_name():
    rendered = {entry["image"] for chart in ("hdfs", "spark", "alluxio", "umbrella")
                for entry in chart_images(paths.REPO_ROOT / "charts" / chart)}
    twins = {images.twin_reference(name) for name in images.twin_names()}
    assert rendered, "the charts render images"
    assert {oci.normalise(image) for image in rendered} - twins == set()
