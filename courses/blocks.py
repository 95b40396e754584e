"""StreamField blocks for lessons: text, phone-sized images, audio with transcript, video,
documents, callouts, worked examples, practice tasks and quiz links."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


def quiz_choices():
    """Quizzes for the quiz-link block; a callable so that new quizzes appear without a migration."""
    from assessments.models import Quiz

    return [(str(pk), title) for pk, title in Quiz.objects.order_by("title").values_list("pk", "title")]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Ảnh"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)

    class Meta:
        icon = "image"
        label = _("Ảnh")
        template = "courses/blocks/image.html"


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"))
    file = DocumentChooserBlock(label=_("Tệp âm thanh (mp3, m4a, ogg)"))
    duration = blocks.CharBlock(label=_("Thời lượng (phút:giây)"), required=False, max_length=8,
                                help_text=_("Ví dụ 4:35. Để trống thì hệ thống tự đọc từ tệp."))
    transcript = blocks.RichTextBlock(label=_("Lời thoại"), required=False, features=["bold", "italic", "ol", "ul"])

    class Meta:
        icon = "media"
        label = _("Âm thanh kèm lời thoại")
        template = "courses/blocks/audio.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"))
    file = DocumentChooserBlock(label=_("Tệp video (mp4)"), required=False)
    embed = EmbedBlock(label=_("Hoặc đường dẫn nhúng (YouTube…)"), required=False)
    transcript = blocks.RichTextBlock(label=_("Tóm tắt/lời thoại"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Tài liệu"))
    title = blocks.CharBlock(label=_("Tên hiển thị"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Tài liệu tải về")
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("Loại"), choices=[
        ("key_points", _("Ý chính")), ("note", _("Lưu ý")), ("warning", _("Cảnh báo"))], default="key_points")
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    body = blocks.RichTextBlock(label=_("Nội dung"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "pick"
        label = _("Ý chính / lưu ý")
        template = "courses/blocks/callout.html"


class ExampleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"))
    body = blocks.RichTextBlock(label=_("Nội dung"))

    class Meta:
        icon = "openquote"
        label = _("Ví dụ minh hoạ")
        template = "courses/blocks/example.html"


class PracticeTaskBlock(blocks.StructBlock):
    instructions = blocks.RichTextBlock(label=_("Yêu cầu"))
    submission = blocks.CharBlock(label=_("Sản phẩm cần nộp"), required=False)

    class Meta:
        icon = "tasks"
        label = _("Bài thực hành")
        template = "courses/blocks/practice.html"


class QuizLinkBlock(blocks.StructBlock):
    quiz = blocks.ChoiceBlock(label=_("Bài kiểm tra"), choices=quiz_choices)
    text = blocks.CharBlock(label=_("Lời dẫn"), required=False)

    class Meta:
        icon = "help"
        label = _("Liên kết bài kiểm tra")
        template = "courses/blocks/quiz_link.html"


class LessonStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Tiêu đề mục"), form_classname="title", template="courses/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Đoạn văn"))
    image = ImageBlock()
    audio = AudioBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    example = ExampleBlock()
    practice = PracticeTaskBlock()
    quiz_link = QuizLinkBlock()
