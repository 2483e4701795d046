"""API tokens stored as digests (accounts.ApiToken), replacing DRF's authtoken.

The old `authtoken_token` table held every key in plain text, and any administrator could read
them all in the admin: they count as disclosed. They are revoked, not carried over; the table is
dropped so no plain key stays in the database or its backups. Issue new keys with
`manage.py create_api_token` (docs/deployment.md).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_plain_keys(apps, schema_editor):
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, help_text='Ví dụ: Cổng dịch vụ công tỉnh.', max_length=100, verbose_name='dùng cho')),
                ('prefix', models.CharField(editable=False, help_text='8 ký tự đầu của mã, để nhận ra mã.', max_length=8, verbose_name='mở đầu')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('created', models.DateTimeField(editable=False, verbose_name='tạo lúc')),
                ('expires', models.DateTimeField(editable=False, verbose_name='hết hạn lúc')),
                ('last_used', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='dùng lần cuối')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người tạo')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='tài khoản')),
            ],
            options={
                'verbose_name': 'mã truy cập API',
                'verbose_name_plural': 'mã truy cập API',
                'ordering': ['-created'],
            },
        ),
        migrations.RunPython(drop_plain_keys, migrations.RunPython.noop),
    ]
